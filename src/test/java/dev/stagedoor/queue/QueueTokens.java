package dev.stagedoor.queue;

import java.time.Instant;

import dev.stagedoor.TestInfrastructure;

/** Test support: admission tokens as the service signs them, for chosen claims. */
public final class QueueTokens {

	private QueueTokens() {
	}

	public static String sign(String user, long concertId, Instant expiresAt) {
		return AdmissionTokensTests.tokens(TestInfrastructure.QUEUE_TOKEN_SECRET, expiresAt.minusSeconds(60))
			.issue(user, concertId, expiresAt);
	}

}
