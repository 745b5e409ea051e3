package dev.stagedoor.payment;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.payment.*}.
 *
 * @param window how long a payment may take; a PAYING reservation older than this is
 * settled by the recovery job (its hold keys last at least twice this long)
 * @param recoveryInterval how often each instance looks for such reservations
 */
@Validated
@ConfigurationProperties("stagedoor.payment")
public record PaymentProperties(@DefaultValue("60s") @NotNull Duration window,
		@DefaultValue("1s") @NotNull Duration recoveryInterval) {

	@AssertTrue(message = "window and recovery-interval must be at least 1ms")
	boolean isDurationsPositive() {
		return (this.window == null || this.window.toMillis() >= 1)
				&& (this.recoveryInterval == null || this.recoveryInterval.toMillis() >= 1);
	}

}
