package dev.stagedoor;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/** Test set-up through the public admin API. */
public final class Concerts {

	private Concerts() {
	}

	/** Creates a concert and returns its id. */
	public static long create(int port, String title) {
		Map<?, ?> body = Api.admin(port)
			.post()
			.uri("/api/admin/concerts")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", title, "venue", "Test Hall"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return ((Number) body.get("id")).longValue();
	}

	public static void configureQueue(int port, long concertId, int maxActive, int admitPerSecond, int ttlSeconds) {
		Api.admin(port)
			.put()
			.uri("/api/admin/concerts/{id}/queue", concertId)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("maxActive", maxActive, "admitPerSecond", admitPerSecond, "activeTtlSeconds", ttlSeconds))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.OK);
	}

}
