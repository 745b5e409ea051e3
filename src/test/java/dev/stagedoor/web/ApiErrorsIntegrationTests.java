package dev.stagedoor.web;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestInfrastructure;
import dev.stagedoor.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rejection is problem+json with a stable code, never a 500. */
@IntegrationTest
class ApiErrorsIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void missingBearerTokenIsUnauthorized() {
		expectProblem(Api.anonymous(this.port).get().uri("/api/concerts").exchange(), 401, "unauthorized");
	}

	@Test
	void invalidBearerTokensAreUnauthorized() {
		List<String> tokens = List.of("garbage",
				TestTokens.sign("alice", List.of(), "a-different-secret-of-at-least-32-bytes!", Duration.ofHours(1)),
				TestTokens.sign("alice", List.of(), TestInfrastructure.AUTH_SECRET, Duration.ofHours(-2)),
				TestTokens.sign(null, List.of(), TestInfrastructure.AUTH_SECRET, Duration.ofHours(1)));
		for (String token : tokens) {
			expectProblem(Api.as(this.port, token).get().uri("/api/concerts").exchange(), 401, "unauthorized");
		}
	}

	@Test
	void nonAdminOnAdminEndpointsIsForbidden() {
		WebTestClient fan = Api.user(this.port, "fan");
		expectProblem(fan.post()
			.uri("/api/admin/concerts")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\":\"t\",\"venue\":\"v\"}")
			.exchange(), 403, "forbidden");
		expectProblem(fan.get().uri("/api/admin/concerts/1/queue").exchange(), 403, "forbidden");
		expectProblem(fan.put()
			.uri("/api/admin/concerts/1/queue")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"maxActive\":1,\"admitPerSecond\":1,\"activeTtlSeconds\":1}")
			.exchange(), 403, "forbidden");
	}

	@Test
	void malformedOrInvalidBodiesAreRejectedAndCreateNothing() {
		long before = concertCount();
		for (String body : List.of("{\"title\":", "[]", "{\"title\":[\"x\"],\"venue\":\"v\"}", "{\"title\":\"\",\"venue\":\"v\"}",
				"{\"venue\":\"v\"}", "{\"title\":\"" + "x".repeat(201) + "\",\"venue\":\"v\"}", "null")) {
			expectProblem(Api.admin(this.port)
				.post()
				.uri("/api/admin/concerts")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body)
				.exchange(), 400, "validation-failed");
		}
		assertThat(concertCount()).isEqualTo(before);
	}

	@Test
	void invalidQueueSettingsAreRejectedAndChangeNothing() {
		long concert = Concerts.create(this.port, "settings");
		Concerts.configureQueue(this.port, concert, 10, 5, 60);
		for (String body : List.of("{\"maxActive\":0,\"admitPerSecond\":5,\"activeTtlSeconds\":60}",
				"{\"maxActive\":10,\"admitPerSecond\":-1,\"activeTtlSeconds\":60}",
				"{\"maxActive\":10,\"admitPerSecond\":5}", "{\"maxActive\":\"many\",\"admitPerSecond\":5,\"activeTtlSeconds\":60}")) {
			expectProblem(Api.admin(this.port)
				.put()
				.uri("/api/admin/concerts/{id}/queue", concert)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body)
				.exchange(), 400, "validation-failed");
		}
		Api.admin(this.port)
			.get()
			.uri("/api/admin/concerts/{id}/queue", concert)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.maxActive").isEqualTo(10)
			.jsonPath("$.admitPerSecond").isEqualTo(5)
			.jsonPath("$.activeTtlSeconds").isEqualTo(60)
			.jsonPath("$.waiting").isEqualTo(0);
	}

	@Test
	void unknownConcertIsNotFound() {
		WebTestClient fan = Api.user(this.port, "fan");
		expectProblem(fan.post().uri("/api/concerts/999999999/queue").exchange(), 404, "concert-not-found");
		expectProblem(fan.get().uri("/api/concerts/999999999/queue").exchange(), 404, "concert-not-found");
		expectProblem(Api.admin(this.port).get().uri("/api/admin/concerts/999999999/queue").exchange(), 404,
				"concert-not-found");
		expectProblem(Api.admin(this.port)
			.put()
			.uri("/api/admin/concerts/999999999/queue")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"maxActive\":1,\"admitPerSecond\":1,\"activeTtlSeconds\":1}")
			.exchange(), 404, "concert-not-found");
	}

	@Test
	void badIdsAreBadRequests() {
		WebTestClient fan = Api.user(this.port, "fan");
		expectProblem(fan.post().uri("/api/concerts/abc/queue").exchange(), 400, "validation-failed");
		expectProblem(fan.get().uri("/api/concerts/99999999999999999999999/queue").exchange(), 400, "validation-failed");
	}

	@Test
	void notInQueueIsNotFound() {
		long concert = Concerts.create(this.port, "empty room");
		expectProblem(Api.user(this.port, "fan").get().uri("/api/concerts/{id}/queue", concert).exchange(), 404,
				"not-in-queue");
	}

	@Test
	void protocolErrorsHaveTheirCodes() {
		WebTestClient admin = Api.admin(this.port);
		expectProblem(admin.get().uri("/api/nothing-here").exchange(), 404, "not-found");
		expectProblem(admin.method(HttpMethod.PATCH).uri("/api/concerts").exchange(), 405, "method-not-allowed");
		expectProblem(admin.post()
			.uri("/api/admin/concerts")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("title=x")
			.exchange(), 415, "unsupported-media-type");
		expectProblem(admin.get().uri("/api/concerts").accept(MediaType.APPLICATION_XML).exchange(), 406,
				"not-acceptable");
		expectProblem(admin.post()
			.uri("/api/admin/concerts")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\":\"" + "x".repeat(200_000) + "\",\"venue\":\"v\"}")
			.exchange(), 413, "payload-too-large");
	}

	private long concertCount() {
		return Api.admin(this.port)
			.get()
			.uri("/api/concerts")
			.exchange()
			.expectBodyList(Object.class)
			.returnResult()
			.getResponseBody()
			.size();
	}

	static void expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
		response.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code").isEqualTo(code)
			.jsonPath("$.status").isEqualTo(status)
			.jsonPath("$.title").isNotEmpty();
	}

}
