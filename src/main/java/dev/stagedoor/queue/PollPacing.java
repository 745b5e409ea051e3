package dev.stagedoor.queue;

import org.springframework.stereotype.Component;

/**
 * When a polling fan should ask about its place again ({@code pollAfterSeconds}, also sent as
 * {@code Retry-After}). For a waiting fan in a room where {@code waiting} fans wait and
 * {@code rate} fans a second are admitted:
 *
 * <pre>
 * pollAfter = min(longest, max(1, ceil(waiting / max(budget, rate)), eta))
 * </pre>
 *
 * {@code eta} is the fan's ETA (its position over the admission rate, or the wait for a free
 * place in a full room), so a fan is asked back about when it should be admitted: the front
 * polls every second, the back rarely. {@code ceil(waiting / max(budget, rate))} is the floor
 * that keeps the room within {@code max(budget, rate)} polls a second: if every one of the
 * {@code waiting} fans polls at most once per {@code waiting / b} seconds, the room sends at
 * most {@code b} polls a second, whatever their positions. The admission rate raises the
 * budget because each admitted fan needs a poll to hear of its admission: with the budget
 * alone (an earlier version), a room of 10,000 admitting 1,000 a second told every fan at
 * least 20 s, so fans heard of their admission up to 20 s late, holding active places
 * meanwhile; with {@code b ≥ rate} a fan entering at the back is told its ETA
 * ({@code position / rate ≥ waiting / b}) and hears of its admission about when it happens.
 * {@code longest} is 60 s, or half the idle timeout when that is shorter, because a fan that
 * obeys must never lose its place for not being seen, even after one lost poll; past
 * {@code b × longest} waiting fans that cap wins over the budget (a room of 30,000 at the
 * defaults). Admitted fans have nothing left to wait for: they are told 1 s and their answers
 * are never cached.
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

	/**
	 * The interval for a waiting fan with this ETA in a room where {@code waiting} fans wait
	 * and {@code ratePerSecond} are admitted a second.
	 */
	long waitingSeconds(long etaSeconds, long waiting, double ratePerSecond) {
		long byBudget = (long) Math.ceil(waiting / Math.max(this.budget, ratePerSecond));
		return Math.min(this.longest, Math.max(1, Math.max(byBudget, etaSeconds)));
	}

	long longestSeconds() {
		return this.longest;
	}

}
