package dev.stagedoor.queue;

/** What asking a waiting room about a user can give. */
sealed interface QueueOutcome {

	/**
	 * The user has a place (or is admitted); {@code created} is true for a first entry.
	 * {@code pollAfterSeconds} is when a polling client should ask again ({@link PollPacing});
	 * streams ignore it.
	 */
	record Placed(QueueView view, boolean created, long pollAfterSeconds) implements QueueOutcome {
	}

	record NotInQueue() implements QueueOutcome {
	}

	record UnknownConcert() implements QueueOutcome {
	}

	/** Too many distinct users entered this room from the caller's address in the last minute. */
	record AddressLimited(long retryAfterSeconds) implements QueueOutcome {
	}

	/** The caller's or the caller's address's entry bucket of this room is empty ({@code policy} names it). */
	record RateLimited(long retryAfterSeconds, String policy) implements QueueOutcome {
	}

}
