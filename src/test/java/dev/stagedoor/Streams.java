package dev.stagedoor;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** Test support: the SSE streams as a client follows them (named events only, 20 s at most). */
public final class Streams {

	private Streams() {
	}

	/** {@code GET /api/reservations/{id}/stream}: the {@code state} events. */
	public static Flux<ServerSentEvent<Map<String, Object>>> reservation(int port, String id, String user,
			String lastEventId) {
		return WebClient.create("http://localhost:" + port)
			.get()
			.uri("/api/reservations/{id}/stream", id)
			.headers(h -> {
				h.setBearerAuth(TestTokens.user(user));
				if (lastEventId != null) {
					h.set("Last-Event-ID", lastEventId);
				}
			})
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {
			})
			.filter(event -> "state".equals(event.event()))
			.timeout(Duration.ofSeconds(20));
	}

	/** {@code GET /api/schedules/{id}/seats/stream}: the {@code snapshot}, then {@code seats} events. */
	public static Flux<ServerSentEvent<List<Map<String, Object>>>> seats(int port, long scheduleId) {
		return WebClient.create("http://localhost:" + port)
			.get()
			.uri("/api/schedules/{id}/seats/stream", scheduleId)
			.headers(h -> h.setBearerAuth(TestTokens.user("watcher")))
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<List<Map<String, Object>>>>() {
			})
			.filter(event -> event.event() != null)
			.timeout(Duration.ofSeconds(20));
	}

}
