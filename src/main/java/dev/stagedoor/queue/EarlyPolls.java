package dev.stagedoor.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The last answer each waiting fan got from this instance, kept for the early part of the
 * interval it was told ({@code early-poll-fraction} of {@code pollAfterSeconds}). A status
 * poll arriving in that window is answered from here, without Redis: a client that polls too
 * often costs a map lookup, not a script run. The answer is the one given before (same
 * position and ETA) with the seconds still left of its interval. Only WAITING answers are
 * kept: an admission must reach its fan at once. Per instance: a poll that lands on another
 * instance is answered from Redis there. Leaving the queue through the API forgets the answer.
 */
@Component
class EarlyPolls {

	/** Enough for the waiting fans of a large drop on one instance; the oldest go first. */
	private static final long MAX_FANS = 200_000;

	private final double fraction;

	private final Ticker ticker = Ticker.systemTicker();

	private final Cache<Fan, Answer> answers;

	private final Counter served;

	EarlyPolls(QueueProperties properties, MeterRegistry meters) {
		this.fraction = properties.earlyPollFraction();
		this.answers = Caffeine.newBuilder()
			.maximumSize(MAX_FANS)
			.ticker(this.ticker)
			.expireAfter(Expiry.creating((Fan fan, Answer answer) -> Duration.ofNanos(answer.windowNanos())))
			.build();
		this.served = Counter.builder("stagedoor.queue.polls.early")
			.description("Status polls answered from the fan's last answer, without Redis, because they came early")
			.register(meters);
	}

	/** Remembers a poll's answer for the early part of its interval. */
	void answered(long concertId, String user, QueueOutcome outcome) {
		if (this.fraction > 0 && outcome instanceof QueueOutcome.Placed placed && !placed.view().isAdmitted()) {
			long window = (long) (TimeUnit.SECONDS.toNanos(placed.pollAfterSeconds()) * this.fraction);
			this.answers.put(new Fan(concertId, user), new Answer(placed, this.ticker.read(), window));
		}
	}

	/** The answer for a poll that came early, if it did: the last one, with the seconds left to wait. */
	Optional<QueueOutcome> early(long concertId, String user) {
		Answer answer = this.answers.getIfPresent(new Fan(concertId, user));
		if (answer == null) {
			return Optional.empty();
		}
		long elapsed = this.ticker.read() - answer.atNanos();
		if (elapsed >= answer.windowNanos()) {
			return Optional.empty();
		}
		this.served.increment();
		long left = TimeUnit.SECONDS.toNanos(answer.placed().pollAfterSeconds()) - elapsed;
		long seconds = Math.max(1, (left + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
		return Optional.of(new QueueOutcome.Placed(answer.placed().view(), false, seconds));
	}

	void forget(long concertId, String user) {
		this.answers.invalidate(new Fan(concertId, user));
	}

	private record Fan(long concertId, String user) {
	}

	private record Answer(QueueOutcome.Placed placed, long atNanos, long windowNanos) {
	}

}
