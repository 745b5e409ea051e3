package dev.stagedoor.web;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;

import static dev.stagedoor.web.ApiErrorsIntegrationTests.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bearer tokens over HTTP: without {@code exp}, without a usable {@code sub}, or past
 * {@code exp} by more than the clock skew (60 s by default) they are refused with 401
 * {@code unauthorized}, and a request made with one changes nothing; within the skew a
 * token is still accepted (documented).
 */
@IntegrationTest
class BearerTokensIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void tokensWithoutExpOrSubOrPastTheSkewAreUnauthorizedAndChangeNothing() {
		long concert = Concerts.create(this.port, "refused tokens");
		String user = "refused-" + UUID.randomUUID();
		Fans fans = new Fans(this.port);
		assertThat(fans.charge(user, "first", 100).block().status()).isEqualTo(201);

		Instant now = Instant.now();
		Map<String, String> refused = new LinkedHashMap<>();
		refused.put("no exp", TestTokens.signed(new JWTClaimsSet.Builder().subject(user).build()));
		refused.put("no sub", TestTokens.signed(new JWTClaimsSet.Builder().expirationTime(in(now, 3600)).build()));
		refused.put("blank sub",
				TestTokens.signed(new JWTClaimsSet.Builder().subject(" ").expirationTime(in(now, 3600)).build()));
		refused.put("90 s past exp", TestTokens.signed(new JWTClaimsSet.Builder().subject(user)
			.issueTime(in(now, -3600))
			.expirationTime(in(now, -90))
			.build()));

		for (Map.Entry<String, String> token : refused.entrySet()) {
			WebTestClient caller = Api.as(this.port, token.getValue());
			expectProblem(caller.post().uri("/api/concerts/{id}/queue", concert).exchange(), 401, "unauthorized");
			expectProblem(caller.post()
				.uri("/api/me/points/charges")
				.header("Idempotency-Key", "refused-" + token.getKey())
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("amount", 50))
				.exchange(), 401, "unauthorized");
			expectProblem(caller.get().uri("/api/me/points").exchange(), 401, "unauthorized");
		}

		Api.admin(this.port)
			.get()
			.uri("/api/admin/concerts/{id}/queue", concert)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.waiting").isEqualTo(0)
			.jsonPath("$.active").isEqualTo(0);
		assertThat(fans.balance(user).block()).isEqualTo(100);
		assertThat(fans.ledger(user).block()).hasSize(1);
	}

	@Test
	void aTokenPastItsExpByLessThanTheClockSkewIsStillAccepted() {
		long concert = Concerts.create(this.port, "skew");
		String user = "skewed-" + UUID.randomUUID();
		Instant now = Instant.now();
		String token = TestTokens.signed(new JWTClaimsSet.Builder().subject(user)
			.issueTime(in(now, -3600))
			.expirationTime(in(now, -10))
			.claim("roles", List.of())
			.build());

		Api.as(this.port, token)
			.post()
			.uri("/api/concerts/{id}/queue", concert)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.position").isEqualTo(1);
		Api.as(this.port, token).get().uri("/api/concerts/{id}/queue", concert).exchange().expectStatus().isOk();
	}

	private static Date in(Instant now, long seconds) {
		return Date.from(now.plusSeconds(seconds));
	}

}
