package dev.stagedoor.warmup;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.warmup.*}: the start-up warm-up ({@link StartupWarmup}).
 *
 * @param duration how long the instance exercises its hot paths before readiness turns UP;
 * {@code 0s} turns the warm-up off; at most 10 minutes
 * @param concurrency requests in flight during the warm-up, 1 to 1,024
 */
@Validated
@ConfigurationProperties("stagedoor.warmup")
public record WarmupProperties(@DefaultValue("30s") @NotNull Duration duration,
		@DefaultValue("64") @Min(1) @Max(1024) int concurrency) {

	@AssertTrue(message = "stagedoor.warmup.duration must be between 0s and 10m")
	boolean isDurationInRange() {
		return this.duration == null
				|| (!this.duration.isNegative() && this.duration.compareTo(Duration.ofMinutes(10)) <= 0);
	}

}
