package dev.stagedoor.events;

import reactor.core.publisher.Mono;

/**
 * Publishes reservation events to the event log (Kafka). The returned Mono completes only
 * when the broker has acknowledged the event durably, and errors otherwise.
 */
public interface EventPublisher {

	Mono<Void> publish(ReservationEvent event);

	/** Sends something that cannot be processed to the dead-letter topic, with the reason. */
	Mono<Void> deadLetter(String key, String payload, String reason);

}
