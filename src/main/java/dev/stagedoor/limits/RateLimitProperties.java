package dev.stagedoor.limits;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.rate-limit.<class>.per-user.*} and {@code .per-address.*}: the token bucket
 * of each endpoint class ({@link EndpointClass}), per user and per client address;
 * {@code capacity} (the burst) and {@code refill-per-second}. A 0 in either turns that bucket
 * off. Values left out take the defaults of {@link #DEFAULTS}.
 */
@Validated
@ConfigurationProperties("stagedoor.rate-limit")
public record RateLimitProperties(@DefaultValue @Valid Limits queue, @DefaultValue @Valid Limits seats,
		@DefaultValue @Valid Limits holds, @DefaultValue @Valid Limits payments, @DefaultValue @Valid Limits charges) {

	/** capacity / refill per second, per user then per address. */
	static final Map<EndpointClass, Bucket[]> DEFAULTS = Map.of(
			EndpointClass.QUEUE, new Bucket[] { new Bucket(20, 2.0), new Bucket(1000, 200.0) },
			EndpointClass.SEATS, new Bucket[] { new Bucket(30, 2.0), new Bucket(2000, 400.0) },
			EndpointClass.HOLDS, new Bucket[] { new Bucket(10, 0.5), new Bucket(500, 50.0) },
			EndpointClass.PAYMENTS, new Bucket[] { new Bucket(10, 0.5), new Bucket(500, 50.0) },
			EndpointClass.CHARGES, new Bucket[] { new Bucket(10, 0.2), new Bucket(200, 20.0) });

	/** The buckets in force for a class: per user, then per address. */
	public Bucket[] of(EndpointClass endpoint) {
		Limits limits = switch (endpoint) {
			case QUEUE -> this.queue;
			case SEATS -> this.seats;
			case HOLDS -> this.holds;
			case PAYMENTS -> this.payments;
			case CHARGES -> this.charges;
		};
		Bucket[] defaults = DEFAULTS.get(endpoint);
		return new Bucket[] { merge(limits.perUser(), defaults[0]), merge(limits.perAddress(), defaults[1]) };
	}

	private static Bucket merge(Setting setting, Bucket fallback) {
		return new Bucket(setting.capacity() != null ? setting.capacity() : fallback.capacity(),
				setting.refillPerSecond() != null ? setting.refillPerSecond() : fallback.refillPerSecond());
	}

	public record Limits(@DefaultValue @Valid Setting perUser, @DefaultValue @Valid Setting perAddress) {
	}

	/** What is configured for one bucket; null = the default. */
	public record Setting(Integer capacity, Double refillPerSecond) {

		@AssertTrue(message = "capacity must be 0 (off) to 1,000,000 and refill-per-second 0 (off) or 0.001 to 1,000,000")
		boolean isInRange() {
			return (this.capacity == null || (this.capacity >= 0 && this.capacity <= 1_000_000))
					&& (this.refillPerSecond == null || this.refillPerSecond == 0
							|| (this.refillPerSecond >= 0.001 && this.refillPerSecond <= 1_000_000));
		}

	}

	/** One bucket in force; off when either number is 0. */
	public record Bucket(int capacity, double refillPerSecond) {

		/** A bucket that limits nothing. */
		public static final Bucket OFF = new Bucket(0, 0);

		public boolean on() {
			return this.capacity > 0 && this.refillPerSecond > 0;
		}

		/** Seconds to fill an empty bucket: the window of its {@code RateLimit-Policy}. */
		long windowSeconds() {
			return Math.max(1, (long) Math.ceil(this.capacity / this.refillPerSecond));
		}

	}

}
