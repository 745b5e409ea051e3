package dev.stagedoor.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class CachingJwtDecoderTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	/** Tokens the fake delegate accepts, by compact form; it records every call. */
	private final Map<String, Instant> expiries = new java.util.HashMap<>();

	private final List<String> verifications = new ArrayList<>();

	private final ReactiveJwtDecoder delegate = token -> {
		this.verifications.add(token);
		Instant exp = this.expiries.get(token);
		if (exp == null || !this.clock.instant().isBefore(exp.plusSeconds(60))) { // like Nimbus: 60 s skew
			return Mono.error(new BadJwtException("rejected " + token));
		}
		return Mono.just(Jwt.withTokenValue(token).header("alg", "HS256").subject("fan-" + token).expiresAt(exp).build());
	};

	@Test
	void aVerifiedTokenIsVerifiedOnceAndAnotherTokenAgain() {
		this.expiries.put("a", this.clock.instant().plusSeconds(600));
		this.expiries.put("b", this.clock.instant().plusSeconds(600));
		CachingJwtDecoder decoder = new CachingJwtDecoder(this.delegate, 100, this.clock, this.clock::nanos);

		for (int i = 0; i < 5; i++) {
			assertThat(decoder.decode("a").block().getSubject()).isEqualTo("fan-a");
		}
		assertThat(decoder.decode("b").block().getSubject()).isEqualTo("fan-b");
		assertThat(this.verifications).containsExactly("a", "b");
	}

	@Test
	void aCachedTokenIsNeverAcceptedFromTheCacheAfterItsExpiry() {
		this.expiries.put("short", this.clock.instant().plusSeconds(10));
		CachingJwtDecoder decoder = new CachingJwtDecoder(this.delegate, 100, this.clock, this.clock::nanos);
		decoder.decode("short").block();
		this.clock.advance(Duration.ofSeconds(9));
		decoder.decode("short").block();
		assertThat(this.verifications).hasSize(1);

		// at exp the cache no longer answers: the delegate decides (here still within its skew)
		this.clock.advance(Duration.ofSeconds(1));
		decoder.decode("short").block();
		assertThat(this.verifications).hasSize(2);
		// and past the skew the delegate's refusal is the answer
		this.clock.advance(Duration.ofSeconds(60));
		StepVerifier.create(decoder.decode("short")).expectError(BadJwtException.class).verify();
		assertThat(this.verifications).hasSize(3);
	}

	@Test
	void entriesLiveAtMostMaxAgeEvenForLongLivedTokens() {
		this.expiries.put("long", this.clock.instant().plus(Duration.ofDays(1)));
		CachingJwtDecoder decoder = new CachingJwtDecoder(this.delegate, 100, this.clock, this.clock::nanos);
		decoder.decode("long").block();
		this.clock.advance(CachingJwtDecoder.MAX_AGE.minusSeconds(1));
		decoder.decode("long").block();
		assertThat(this.verifications).hasSize(1);
		this.clock.advance(Duration.ofSeconds(1));
		decoder.decode("long").block();
		assertThat(this.verifications).hasSize(2);
	}

	@Test
	void aWallClockSteppingBackDoesNotStretchAnEntryPastMaxAge() {
		this.expiries.put("long", this.clock.instant().plus(Duration.ofDays(1)));
		CachingJwtDecoder decoder = new CachingJwtDecoder(this.delegate, 100, this.clock, this.clock::nanos);
		decoder.decode("long").block();
		this.clock.stepWallClock(Duration.ofHours(-1));
		this.clock.tick(CachingJwtDecoder.MAX_AGE);
		decoder.decode("long").block();
		assertThat(this.verifications).hasSize(2);
	}

	@Test
	void refusalsAreNeverCached() {
		CachingJwtDecoder decoder = new CachingJwtDecoder(this.delegate, 100, this.clock, this.clock::nanos);
		for (int i = 0; i < 3; i++) {
			StepVerifier.create(decoder.decode("forged")).expectError(BadJwtException.class).verify();
		}
		assertThat(this.verifications).containsExactly("forged", "forged", "forged");
		assertThat(decoder.size()).isZero();
	}

	@Test
	void theCacheIsBounded() {
		CachingJwtDecoder decoder = new CachingJwtDecoder(this.delegate, 50, this.clock, this.clock::nanos);
		for (int i = 0; i < 1_000; i++) {
			this.expiries.put("t" + i, this.clock.instant().plusSeconds(600));
			decoder.decode("t" + i).block();
		}
		assertThat(decoder.size()).isLessThanOrEqualTo(50);
	}

	static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		private long nanos;

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
			this.nanos += duration.toNanos();
		}

		/** Moves the wall clock only (an NTP step). */
		void stepWallClock(Duration duration) {
			this.now = this.now.plus(duration);
		}

		/** Moves the monotonic reading only. */
		void tick(Duration duration) {
			this.nanos += duration.toNanos();
		}

		/** A monotonic reading that moves with the clock (the cache's ticker). */
		long nanos() {
			return this.nanos;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
