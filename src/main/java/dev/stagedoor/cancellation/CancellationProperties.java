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
 * @param resumeAfter a reservation CANCELLING for longer than this is finished by the
 * instance that finds it, without waiting for its event (lost with Redis, dead-lettered,
 * or a worker that does not come back)
 */
@Validated
@ConfigurationProperties("stagedoor.cancellation")
public record CancellationProperties(@DefaultValue("2m") @NotNull Duration stuckAfter,
		@DefaultValue("5s") @NotNull Duration checkInterval, @DefaultValue("10m") @NotNull Duration resumeAfter) {

	@AssertTrue(message = "stuck-after, check-interval and resume-after must be at least 1ms")
	boolean isDurationsPositive() {
		return (this.stuckAfter == null || this.stuckAfter.toMillis() >= 1)
				&& (this.checkInterval == null || this.checkInterval.toMillis() >= 1)
				&& (this.resumeAfter == null || this.resumeAfter.toMillis() >= 1);
	}

}
