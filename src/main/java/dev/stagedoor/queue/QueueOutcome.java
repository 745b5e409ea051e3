package dev.stagedoor.queue;

/** What asking a waiting room about a user can give. */
sealed interface QueueOutcome {

	/** The user has a place (or is admitted); {@code created} is true for a first entry. */
	record Placed(QueueView view, boolean created) implements QueueOutcome {
	}

	record NotInQueue() implements QueueOutcome {
	}

	record UnknownConcert() implements QueueOutcome {
	}

}
