package dev.stagedoor.events;

import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Consumes reservation events as one consumer group. Events of one reservation arrive in
 * order; an event's position is committed only after its handler completed, so a crash
 * means redelivery, never loss (handlers must be idempotent). A handler error that is not
 * transient sends the raw event to the dead-letter topic with the reason, and consumption
 * goes on.
 */
public interface EventSubscriber {

	Flux<Void> subscribe(String group, Function<ReservationEvent, Mono<Void>> handler);

	/** Thrown by a handler for an event that can never be processed (goes to the dead-letter topic). */
	class PoisonEventException extends RuntimeException {

		public PoisonEventException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
