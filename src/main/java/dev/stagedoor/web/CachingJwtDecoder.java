package dev.stagedoor.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Remembers tokens that the delegate verified, so a fan's tenth request with the same token
 * (queue polls, hold, payment) skips parsing, signature check and claim validation.
 * <p>
 * The key is the whole compact token, signature included: only the exact bytes that were
 * verified match. An entry lives until the token's {@code exp} (never the clock skew the
 * delegate allows past it) and at most {@link #MAX_AGE}, and a hit is checked against
 * {@code exp} again, so a cached token is never accepted after it expired. Failures are
 * never cached. Many first requests with one new token at the same instant each verify it
 * (no request waits for another's verification). A token's claims cannot change, so there
 * is nothing else to go stale; with
 * a JWK set, a rotated-out key keeps working for tokens verified in the last
 * {@link #MAX_AGE}, at most until they expire. An entry holds the token and its parsed
 * claims: about 1–3 KB, so the default 100,000 entries may take 100–300 MB with long tokens.
 */
final class CachingJwtDecoder implements ReactiveJwtDecoder {

	static final Duration MAX_AGE = Duration.ofMinutes(5);

	private final ReactiveJwtDecoder delegate;

	private final Clock clock;

	private final Cache<String, Jwt> verified;

	CachingJwtDecoder(ReactiveJwtDecoder delegate, int maximumSize) {
		this(delegate, maximumSize, Clock.systemUTC(), Ticker.systemTicker());
	}

	/**
	 * {@code clock} decides whether a token has expired; {@code ticker} (monotonic) times the
	 * entries, so a wall clock stepping back cannot stretch an entry past {@link #MAX_AGE}.
	 */
	CachingJwtDecoder(ReactiveJwtDecoder delegate, int maximumSize, Clock clock, Ticker ticker) {
		this.delegate = delegate;
		this.clock = clock;
		this.verified = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.expireAfter(new UntilExpiry(clock))
			.ticker(ticker)
			.build();
	}

	@Override
	public Mono<Jwt> decode(String token) {
		Jwt known = this.verified.getIfPresent(token);
		if (known != null) {
			if (!expired(known, this.clock.instant())) {
				return Mono.just(known);
			}
			this.verified.invalidate(token);
		}
		return this.delegate.decode(token).doOnNext(jwt -> {
			if (!expired(jwt, this.clock.instant())) {
				this.verified.put(token, jwt);
			}
		});
	}

	long size() {
		this.verified.cleanUp();
		return this.verified.estimatedSize();
	}

	private static boolean expired(Jwt jwt, Instant now) {
		return jwt.getExpiresAt() != null && !now.isBefore(jwt.getExpiresAt());
	}

	private record UntilExpiry(Clock clock) implements Expiry<String, Jwt> {

		@Override
		public long expireAfterCreate(String token, Jwt jwt, long currentTime) {
			Duration left = MAX_AGE;
			if (jwt.getExpiresAt() != null) {
				Duration untilExp = Duration.between(this.clock.instant(), jwt.getExpiresAt());
				left = untilExp.isNegative() ? Duration.ZERO : (untilExp.compareTo(MAX_AGE) < 0 ? untilExp : MAX_AGE);
			}
			return left.toNanos();
		}

		@Override
		public long expireAfterUpdate(String token, Jwt jwt, long currentTime, long currentDuration) {
			return expireAfterCreate(token, jwt, currentTime);
		}

		@Override
		public long expireAfterRead(String token, Jwt jwt, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
