package dev.stagedoor.reservation;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;

/** Test support: hold requests as a real client sends them, through {@link StagedoorClient}. */
final class Holding {

	private final StagedoorClient client;

	Holding(int port) {
		this.client = StagedoorClient.on(port);
	}

	Mono<Reply> hold(long schedule, String user, String queueToken, List<Long> seatIds) {
		return holdRaw(schedule, user, queueToken, Map.of("seatIds", seatIds));
	}

	/** A hold with a body of the test's making; {@code Queue-Token} only when not null. */
	Mono<Reply> holdRaw(long schedule, String user, String queueToken, Object body) {
		return this.client.hold(TestTokens.user(user), queueToken, schedule, body)
			.map(reply -> new Reply(reply.status(), reply.body()));
	}

	record Reply(int status, Map<String, Object> body) {

		String code() {
			return (String) this.body.get("code");
		}

		@SuppressWarnings("unchecked")
		List<Long> seatIds() {
			return ((List<Number>) this.body.get("seatIds")).stream().map(Number::longValue).toList();
		}

	}

}
