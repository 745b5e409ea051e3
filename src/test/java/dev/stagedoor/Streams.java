package dev.stagedoor;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

import dev.stagedoor.client.StagedoorClient;

/** Test support: the SSE streams as a client follows them (named events only, 20 s at most). */
public final class Streams {

	private Streams() {
	}

	/** {@code GET /api/reservations/{id}/stream}: the {@code state} events. */
	public static Flux<ServerSentEvent<Map<String, Object>>> reservation(int port, String id, String user,
			String lastEventId) {
		return StagedoorClient.on(port)
			.reservationEvents(TestTokens.user(user), id, lastEventId)
			.filter(event -> "state".equals(event.event()))
			.timeout(Duration.ofSeconds(20));
	}

	/** {@code GET /api/schedules/{id}/seats/stream}: the {@code snapshot}, then {@code seats} events. */
	public static Flux<ServerSentEvent<List<Map<String, Object>>>> seats(int port, long scheduleId) {
		return StagedoorClient.on(port)
			.seatEvents(TestTokens.user("watcher"), scheduleId)
			.filter(event -> event.event() != null)
			.timeout(Duration.ofSeconds(20));
	}

}
