package dev.stagedoor.reservation;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.stagedoor.inventory.PerUserLimit;

/**
 * {@code stagedoor.hold.*}.
 *
 * @param ttl how long a hold lasts (absolute: holding again does not extend it)
 * @param maxSeatsPerUser most seats one user may hold or have bought in one schedule
 * @param reaperInterval how often each instance marks lapsed holds EXPIRED (seat
 * availability never waits for it)
 */
@Validated
@ConfigurationProperties("stagedoor.hold")
public record HoldProperties(@DefaultValue("5m") @NotNull Duration ttl,
		@DefaultValue("4") @Min(1) @Max(100) int maxSeatsPerUser, @DefaultValue("1s") @NotNull Duration reaperInterval)
		implements PerUserLimit {

	@AssertTrue(message = "ttl and reaper-interval must be at least 1ms")
	boolean isDurationsPositive() {
		return (this.ttl == null || this.ttl.toMillis() >= 1)
				&& (this.reaperInterval == null || this.reaperInterval.toMillis() >= 1);
	}

}
