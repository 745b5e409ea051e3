package dev.stagedoor.cancellation;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.cancellation.*}.
 *
 * @param stuckAfter a reservation CANCELLING for longer than this is reported as stuck
 * (health component {@code cancellations} DOWN, gauge {@code stagedoor.cancellations.stuck})
 * @param checkInterval how often each instance counts stuck cancellations
 */
@Validated
@ConfigurationProperties("stagedoor.cancellation")
public record CancellationProperties(@DefaultValue("2m") @NotNull Duration stuckAfter,
		@DefaultValue("5s") @NotNull Duration checkInterval) {

	@AssertTrue(message = "stuck-after and check-interval must be at least 1ms")
	boolean isDurationsPositive() {
		return (this.stuckAfter == null || this.stuckAfter.toMillis() >= 1)
				&& (this.checkInterval == null || this.checkInterval.toMillis() >= 1);
	}

}
