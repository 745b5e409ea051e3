package dev.stagedoor.reservation;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The seat-spinning defence, {@code stagedoor.hold.max-lapsed-per-schedule} and
 * {@code stagedoor.hold.lapse-window}: a user whose holds on one schedule lapsed or were
 * released without payment this many times within the window may not hold on it again until
 * the oldest of them leaves the window (429 {@code hold-cooldown}). 0 turns the defence off
 * (nothing is recorded either).
 */
@Validated
@ConfigurationProperties("stagedoor.hold")
public record LapseProperties(@DefaultValue("3") @Min(0) @Max(1_000_000) int maxLapsedPerSchedule,
		@DefaultValue("30m") @NotNull Duration lapseWindow) {

	/** No cooldown, no lapses recorded. */
	static final LapseProperties OFF = new LapseProperties(0, Duration.ofMinutes(30));

	@AssertTrue(message = "lapse-window must be between 1s and 7d")
	boolean isLapseWindowInRange() {
		return this.lapseWindow == null
				|| (this.lapseWindow.toMillis() >= 1000 && this.lapseWindow.compareTo(Duration.ofDays(7)) <= 0);
	}

	/** The window the scripts record lapses for: 0 when the defence is off. */
	long windowMillis() {
		return this.maxLapsedPerSchedule == 0 ? 0 : this.lapseWindow.toMillis();
	}

}
