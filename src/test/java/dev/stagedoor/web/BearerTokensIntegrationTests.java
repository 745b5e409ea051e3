package dev.stagedoor.web;

import java.time.Duration;
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

import dev.stagedoor.Concerts;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bearer tokens over HTTP: without {@code exp}, without a usable {@code sub}, or past
 * {@code exp} by more than the clock skew (60 s by default) they are refused with 401
 * {@code unauthorized}, and a request made with one changes nothing; within the skew a
 * token is still accepted (documented).
 */
@IntegrationTest
class BearerTokensIntegrationTests {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	StagedoorClient client() {
		return StagedoorClient.on(this.port);
	}

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
			String bearer = token.getValue();
			expectProblem(client().enterQueue(bearer, concert).block(TIMEOUT), 401, "unauthorized");
			expectProblem(client().charge(bearer, "refused-" + token.getKey(), 50).block(TIMEOUT), 401, "unauthorized");
			expectProblem(client().points(bearer).block(TIMEOUT), 401, "unauthorized");
		}

		ApiReply stats = client().queueStats(TestTokens.admin("admin"), concert).block(TIMEOUT).expect(200);
		assertThat(stats.number("waiting")).isEqualTo(0);
		assertThat(stats.number("active")).isEqualTo(0);
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

		assertThat(client().enterQueue(token, concert).block(TIMEOUT).expect(201).number("position")).isEqualTo(1);
		client().queueStatus(token, concert).block(TIMEOUT).expect(200);
	}

	private static Date in(Instant now, long seconds) {
		return Date.from(now.plusSeconds(seconds));
	}

	/** A problem of {@code status} and {@code code}, as {@code ApiErrorsIntegrationTests.expectProblem} checks one. */
	private static void expectProblem(ApiReply reply, int status, String code) {
		reply.expect(status);
		assertThat(reply.headers().getContentType()).isNotNull()
			.satisfies(type -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).as("%s", type).isTrue());
		assertThat(reply.code()).isEqualTo(code);
		assertThat(reply.number("status")).isEqualTo(status);
		assertThat(reply.body().get("title")).isNotNull().isNotEqualTo("");
	}

}
