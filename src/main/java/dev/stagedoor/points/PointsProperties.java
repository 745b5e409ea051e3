package dev.stagedoor.points;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.points.*}.
 *
 * @param maxCharge the largest single charge
 * @param maxBalance the largest balance a charge may leave (refunds may go above it: they
 * give back what was taken)
 */
@Validated
@ConfigurationProperties("stagedoor.points")
public record PointsProperties(@DefaultValue("1000000") @Min(1) long maxCharge,
		@DefaultValue("100000000") @Min(1) long maxBalance) {

	@AssertTrue(message = "max-charge must not be above max-balance")
	boolean isChargeWithinBalance() {
		return this.maxCharge <= this.maxBalance;
	}

}
