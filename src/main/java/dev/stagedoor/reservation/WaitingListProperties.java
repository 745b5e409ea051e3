package dev.stagedoor.reservation;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.waiting-list.*}.
 *
 * @param offerTtl how long a reservation offered to a waiting fan stays HELD (absolute)
 * @param streamInterval how often an open waiting-list stream looks at the fan's place
 */
@Validated
@ConfigurationProperties("stagedoor.waiting-list")
public record WaitingListProperties(@DefaultValue("10m") @NotNull Duration offerTtl,
		@DefaultValue("500ms") @NotNull Duration streamInterval) {

	@AssertTrue(message = "stagedoor.waiting-list.offer-ttl must be between 1ms and 1d")
	boolean isOfferTtlInRange() {
		return this.offerTtl == null
				|| (this.offerTtl.toMillis() >= 1 && this.offerTtl.compareTo(Duration.ofDays(1)) <= 0);
	}

	@AssertTrue(message = "stagedoor.waiting-list.stream-interval must be between 10ms and 1m")
	boolean isStreamIntervalInRange() {
		return this.streamInterval == null || (this.streamInterval.toMillis() >= 10
				&& this.streamInterval.compareTo(Duration.ofMinutes(1)) <= 0);
	}

}
