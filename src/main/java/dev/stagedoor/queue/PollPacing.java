package dev.stagedoor.queue;

import org.springframework.stereotype.Component;

/**
 * When a polling fan should ask about its place again ({@code pollAfterSeconds}, also sent as
 * {@code Retry-After}). For a waiting fan:
 *
 * <pre>
 * pollAfter = min(longest, max(1, ceil(waiting / budget), eta))
 * </pre>
 *
 * {@code eta} is the fan's ETA (its position over the admission rate, or the wait for a free
 * place in a full room), so a fan is asked back about when it should be admitted: the front
 * polls every second, the back rarely. {@code ceil(waiting / budget)} is the floor that
 * keeps the room within the budget: if every one of the {@code waiting} fans polls at most
 * once per {@code waiting / budget} seconds, the room sends at most {@code budget} polls a
 * second, whatever their positions. {@code longest} is 60 s, or half the idle timeout when
 * that is shorter, because a fan that obeys must never lose its place for not being seen,
 * even after one lost poll; past {@code budget × longest} waiting fans that cap wins over
 * the budget (a room of 30,000 at the defaults). Admitted fans have nothing left to wait for:
 * they are told 1 s and their answers are never cached.
 */
@Component
class PollPacing {

	static final long ADMITTED_SECONDS = 1;

	static final long LONGEST_SECONDS = 60;

	private final long budget;

	private final long longest;

	PollPacing(QueueProperties properties) {
		this.budget = properties.pollBudgetPerSecond();
		this.longest = Math.max(1, Math.min(LONGEST_SECONDS, properties.idleTimeout().toSeconds() / 2));
	}

	/** The interval for a waiting fan with this ETA in a room where {@code waiting} fans wait. */
	long waitingSeconds(long etaSeconds, long waiting) {
		long byBudget = (waiting + this.budget - 1) / this.budget;
		return Math.min(this.longest, Math.max(1, Math.max(byBudget, etaSeconds)));
	}

	long longestSeconds() {
		return this.longest;
	}

}
