package dev.stagedoor.reservation;

import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import dev.stagedoor.TestTokens;

/** Test support: hold requests as a real client sends them. */
final class Holding {

	private final WebClient client;

	Holding(int port) {
		this.client = WebClient.create("http://localhost:" + port);
	}

	Mono<Reply> hold(long schedule, String user, String queueToken, List<Long> seatIds) {
		return holdRaw(schedule, user, queueToken, Map.of("seatIds", seatIds));
	}

	@SuppressWarnings("unchecked")
	Mono<Reply> holdRaw(long schedule, String user, String queueToken, Object body) {
		return this.client.post()
			.uri("/api/schedules/{id}/reservations", schedule)
			.headers(h -> {
				h.setBearerAuth(TestTokens.user(user));
				if (queueToken != null) {
					h.set("Queue-Token", queueToken);
				}
			})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono(response -> response.bodyToMono(Map.class)
				.map(map -> new Reply(response.statusCode().value(), (Map<String, Object>) map)));
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
