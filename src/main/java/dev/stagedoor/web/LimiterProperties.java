package dev.stagedoor.web;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.web.limiter.*}: the two lanes of {@link LoadShedding}. Each lane has an
 * adaptive concurrency limit (Netflix concurrency-limits' Gradient2 between {@code min-limit}
 * and {@code max-limit}, starting at {@code initial-limit}), a queue of at most
 * {@code queue-size} requests that wait up to {@code max-wait} for a permit, and the
 * {@code retry-after} a shed request is told. A lane left unset takes its defaults
 * ({@link #ADMITTED}, {@link #WAITING_ROOM}); a lane set in part takes the defaults for the rest.
 *
 * @param enabled {@code false} turns the limiter off: every request runs at once, nothing is shed
 * @param admitted the lane of admitted fans' work (holds with a valid {@code Queue-Token}, their reservations, points charges)
 * @param waitingRoom the lane of every other {@code /api} call but admin calls (queue, listings, seat maps)
 */
@Validated
@ConfigurationProperties("stagedoor.web.limiter")
public record LimiterProperties(@DefaultValue("true") boolean enabled, Lane admitted, Lane waitingRoom) {

	/** Admitted work may wait its turn (a few seconds) rather than be shed. */
	static final Lane ADMITTED = new Lane(100, 20, 1_000, 10_000, Duration.ofSeconds(5), Duration.ofSeconds(1));

	/**
	 * Waiting-room work waits briefly, then is shed and asked back later. At most 100 run at
	 * once: what two cores need to stay busy with Redis-bound calls is far less, and a drop
	 * run with 500 (the earlier maximum) let the crowd's requests pile up inside the service
	 * until Redis replies were read past their timeout. A room whose fans follow streams
	 * should allow more (250): each opening holds a permit until its first event.
	 */
	static final Lane WAITING_ROOM = new Lane(50, 10, 100, 2_000, Duration.ofSeconds(3), Duration.ofSeconds(5));

	static final Duration LONGEST = Duration.ofMinutes(10);

	public LimiterProperties {
		admitted = admitted == null ? ADMITTED : admitted.orElse(ADMITTED);
		waitingRoom = waitingRoom == null ? WAITING_ROOM : waitingRoom.orElse(WAITING_ROOM);
	}

	@AssertTrue(message = "stagedoor.web.limiter.admitted needs 1 <= min-limit <= initial-limit <= max-limit, queue-size >= 0, "
			+ "max-wait and retry-after between 0s and 10m (retry-after at least 1s)")
	boolean isAdmittedValid() {
		return this.admitted.isValid();
	}

	@AssertTrue(message = "stagedoor.web.limiter.waiting-room needs 1 <= min-limit <= initial-limit <= max-limit, queue-size >= 0, "
			+ "max-wait and retry-after between 0s and 10m (retry-after at least 1s)")
	boolean isWaitingRoomValid() {
		return this.waitingRoom.isValid();
	}

	/**
	 * One lane's settings; {@code null} members take the lane's defaults.
	 *
	 * @param initialLimit requests in flight allowed at start-up
	 * @param minLimit the limit never goes below this
	 * @param maxLimit nor above this
	 * @param queueSize requests that may wait for a permit; more are shed at once (0: none wait)
	 * @param maxWait how long a request waits for a permit before it is shed
	 * @param retryAfter what a shed request is told ({@code Retry-After}, whole seconds, at least 1)
	 */
	public record Lane(Integer initialLimit, Integer minLimit, Integer maxLimit, Integer queueSize, Duration maxWait,
			Duration retryAfter) {

		Lane orElse(Lane defaults) {
			return new Lane(this.initialLimit != null ? this.initialLimit : defaults.initialLimit,
					this.minLimit != null ? this.minLimit : defaults.minLimit,
					this.maxLimit != null ? this.maxLimit : defaults.maxLimit,
					this.queueSize != null ? this.queueSize : defaults.queueSize,
					this.maxWait != null ? this.maxWait : defaults.maxWait,
					this.retryAfter != null ? this.retryAfter : defaults.retryAfter);
		}

		boolean isValid() {
			return this.minLimit >= 1 && this.minLimit <= this.initialLimit && this.initialLimit <= this.maxLimit
					&& this.queueSize >= 0 && !this.maxWait.isNegative() && this.maxWait.compareTo(LONGEST) <= 0
					&& this.retryAfter.compareTo(Duration.ofSeconds(1)) >= 0 && this.retryAfter.compareTo(LONGEST) <= 0;
		}

		/** {@code Retry-After} in whole seconds, rounded up. */
		long retryAfterSeconds() {
			return (this.retryAfter.toMillis() + 999) / 1000;
		}

	}

}
