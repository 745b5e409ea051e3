package dev.stagedoor;

import java.time.Duration;

import dev.stagedoor.client.StagedoorClient;

/** Test set-up through the public admin API. */
public final class Concerts {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private Concerts() {
	}

	/** Creates a concert and returns its id. */
	public static long create(int port, String title) {
		return StagedoorClient.on(port)
			.createConcert(TestTokens.admin("admin"), title, "Test Hall")
			.block(TIMEOUT)
			.expect(201)
			.number("id");
	}

	public static void configureQueue(int port, long concertId, int maxActive, int admitPerSecond, int ttlSeconds) {
		StagedoorClient.on(port)
			.configureQueue(TestTokens.admin("admin"), concertId, maxActive, admitPerSecond, ttlSeconds)
			.block(TIMEOUT)
			.expect(200);
	}

}
