package dev.stagedoor.events;

import java.util.List;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Consumes reservation events as one consumer group. Events of one reservation arrive in
 * order; an event's position is committed only after its handler completed, so a crash
 * means redelivery, never loss (handlers must be idempotent). A handler error that is not
 * transient ({@link PoisonEventException}) sends the raw event to the dead-letter topic
 * with the reason, and consumption goes on; any other error is retried with backoff.
 */
public interface EventSubscriber {

	/** Hands the events to {@code handler} one at a time, in order. */
	Flux<Void> subscribe(String group, Function<ReservationEvent, Mono<Void>> handler);

	/**
	 * Hands the events to {@code handler} in batches (what arrived together, bounded in size),
	 * in order; the next batch waits for the previous one. If a batch fails with a
	 * {@link PoisonEventException}, its events are handed over again one per batch, so only
	 * the poison ones go to the dead-letter topic.
	 */
	Flux<Void> subscribeBatches(String group, Function<List<ReservationEvent>, Mono<Void>> handler);

	/** Thrown by a handler for an event that can never be processed (goes to the dead-letter topic). */
	class PoisonEventException extends RuntimeException {

		public PoisonEventException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
