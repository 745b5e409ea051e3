package dev.stagedoor.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.stagedoor.TestInfrastructure;
import dev.stagedoor.TestTokens;
import dev.stagedoor.queue.AdmissionTokens.TokenVerdict;

import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTokensTests {

	static final Instant NOW = Instant.parse("2026-11-21T20:00:00Z");

	final AdmissionTokens tokens = tokens(TestInfrastructure.QUEUE_TOKEN_SECRET, NOW);

	@Test
	void tokenIssuedToUserForConcertVerifies() {
		String token = this.tokens.issue("alice", 7, NOW.plusSeconds(600));

		assertThat(this.tokens.verify(token, "alice", 7))
			.isEqualTo(new TokenVerdict.Valid("alice", 7, NOW.plusSeconds(600)));
	}

	@Test
	void tamperedTokenFails() {
		String token = this.tokens.issue("alice", 7, NOW.plusSeconds(600));
		String[] parts = token.split("\\.");
		String otherPayload = this.tokens.issue("mallory", 7, NOW.plusSeconds(600)).split("\\.")[1];

		assertThat(this.tokens.verify(parts[0] + "." + otherPayload + "." + parts[2], "mallory", 7))
			.isInstanceOf(TokenVerdict.Invalid.class);
		String flipped = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
		assertThat(this.tokens.verify(flipped, "alice", 7)).isInstanceOf(TokenVerdict.Invalid.class);
	}

	@Test
	void expiredTokenFails() {
		String token = this.tokens.issue("alice", 7, NOW.plusSeconds(60));
		AdmissionTokens later = tokens(TestInfrastructure.QUEUE_TOKEN_SECRET, NOW.plusSeconds(61));

		assertThat(later.verify(token, "alice", 7)).isEqualTo(new TokenVerdict.Invalid("token is invalid or expired"));
	}

	@Test
	void anAdmissionThatEndedByThisClockAMomentAgoGetsAnExpiredTokenNotAnError() {
		// Redis still saw the admission; by this JVM's clock it ended 5 ms ago
		String token = this.tokens.issue("alice", 7, NOW.minusMillis(5));

		assertThat(this.tokens.verify(token, "alice", 7)).isEqualTo(new TokenVerdict.Invalid("token is invalid or expired"));
		assertThat(this.tokens.isGenuine(token)).isFalse();
	}

	@Test
	void tokenOfAnotherUserFails() {
		String token = this.tokens.issue("alice", 7, NOW.plusSeconds(600));

		assertThat(this.tokens.verify(token, "bob", 7))
			.isEqualTo(new TokenVerdict.Invalid("token was issued to another user"));
	}

	@Test
	void tokenForAnotherConcertFails() {
		String token = this.tokens.issue("alice", 7, NOW.plusSeconds(600));

		assertThat(this.tokens.verify(token, "alice", 8))
			.isEqualTo(new TokenVerdict.Invalid("token was issued for another concert"));
	}

	@Test
	void tokenSignedWithAnotherSecretFails() {
		AdmissionTokens foreign = tokens("another-secret-that-is-at-least-32-bytes-long", NOW);
		String token = foreign.issue("alice", 7, NOW.plusSeconds(600));

		assertThat(this.tokens.verify(token, "alice", 7)).isInstanceOf(TokenVerdict.Invalid.class);
	}

	@Test
	void bearerTokenIsNotAnAdmissionToken() {
		String bearer = TestTokens.sign("alice", java.util.List.of(), TestInfrastructure.QUEUE_TOKEN_SECRET,
				Duration.ofDays(3650));

		assertThat(this.tokens.verify(bearer, "alice", 7)).isInstanceOf(TokenVerdict.Invalid.class);
	}

	@Test
	void missingTokenFails() {
		assertThat(this.tokens.verify(null, "alice", 7)).isInstanceOf(TokenVerdict.Invalid.class);
		assertThat(this.tokens.verify(" ", "alice", 7)).isInstanceOf(TokenVerdict.Invalid.class);
		assertThat(this.tokens.verify("not-a-jwt", "alice", 7)).isInstanceOf(TokenVerdict.Invalid.class);
	}

	static AdmissionTokens tokens(String secret, Instant now) {
		QueueProperties properties = new QueueProperties(1000, 100, Duration.ofMinutes(10), Duration.ofMinutes(2),
				secret, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(15), Duration.ofSeconds(15),
				500, 0.5, Duration.ofMillis(200));
		return new AdmissionTokens(properties, Clock.fixed(now, ZoneOffset.UTC));
	}

}
