package dev.stagedoor.queue;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.queue.*}: the waiting-room defaults (each concert can override the first
 * three through the admin API) and the signing secret of admission tokens.
 *
 * @param maxActive most users admitted at once per concert
 * @param admitPerSecond most admissions per concert in any one-second window, summed over
 * all instances
 * @param activeTtl how long an admitted user stays active
 * @param idleTimeout a waiting user not seen (no status call, no open stream) for this long
 * loses the place
 * @param tokenSecret HS256 secret of admission tokens, at least 32 bytes, shared by every
 * instance and by any service that verifies the tokens offline
 * @param admissionInterval how often each instance runs the admission step
 * @param pollInterval how often open status streams are refreshed (one Redis call per
 * concert, whatever the number of streams)
 * @param heartbeat how often an open stream sends a comment to keep proxies from closing it
 * @param streamMaxInterval the longest a waiting follower goes without a position update:
 * a stream sends progress at most every eta / 5 (never more often than {@code pollInterval},
 * never less often than this), and ADMITTED at once
 * @param pollBudgetPerSecond the most status polls a second one room's waiting fans should
 * send this instance when every fan follows the {@code pollAfterSeconds} it was told (see
 * {@link PollPacing}); it holds while the room has at most this × the longest interval
 * (60 s, or half the idle timeout if that is shorter) waiting fans
 * @param earlyPollFraction a status poll arriving before this fraction of the interval its
 * fan was told has passed is answered from that fan's last answer, without Redis
 * ({@link EarlyPolls}); 0 answers every poll from Redis
 * @param admissionBurst the most one room admits at once, as time at its rate: a room
 * admitting {@code admitPerSecond} admits at most {@code admitPerSecond} x this at once (at
 * least one), then at its rate as time passes, within the one-second limit; {@code 1s} admits
 * a whole second's worth at once
 */
@Validated
@ConfigurationProperties("stagedoor.queue")
public record QueueProperties(@DefaultValue("1000") @Min(1) @Max(1_000_000) int maxActive,
		@DefaultValue("100") @Min(1) @Max(100_000) int admitPerSecond,
		@DefaultValue("10m") @NotNull Duration activeTtl, @DefaultValue("2m") @NotNull Duration idleTimeout,
		@NotBlank @Size(min = 32, message = "must be at least 32 characters") String tokenSecret,
		@DefaultValue("100ms") @NotNull Duration admissionInterval, @DefaultValue("500ms") @NotNull Duration pollInterval,
		@DefaultValue("15s") @NotNull Duration heartbeat, @DefaultValue("15s") @NotNull Duration streamMaxInterval,
		@DefaultValue("500") @Min(1) @Max(1_000_000) int pollBudgetPerSecond,
		@DefaultValue("0.5") @DecimalMin("0") @DecimalMax("1") double earlyPollFraction,
		@DefaultValue("200ms") @NotNull Duration admissionBurst) {

	@AssertTrue(message = "active-ttl, idle-timeout, admission-interval, poll-interval, heartbeat, "
			+ "stream-max-interval and admission-burst must be at least 1ms")
	boolean isDurationsPositive() {
		return positive(this.activeTtl) && positive(this.idleTimeout) && positive(this.admissionInterval)
				&& positive(this.pollInterval) && positive(this.heartbeat) && positive(this.streamMaxInterval)
				&& positive(this.admissionBurst);
	}

	/** How often a waiting follower with this ETA hears about its progress. */
	Duration streamUpdateEvery(Long etaSeconds) {
		Duration byEta = Duration.ofMillis(etaSeconds == null ? 0 : etaSeconds * 1000 / 5);
		Duration atMost = byEta.compareTo(this.streamMaxInterval) > 0 ? this.streamMaxInterval : byEta;
		return atMost.compareTo(this.pollInterval) < 0 ? this.pollInterval : atMost;
	}

	private static boolean positive(Duration d) {
		return d == null || d.toMillis() >= 1;
	}

	QueueSettings defaults() {
		return new QueueSettings(this.maxActive, this.admitPerSecond, this.activeTtl);
	}

}
