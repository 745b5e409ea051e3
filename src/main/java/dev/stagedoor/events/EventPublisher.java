package dev.stagedoor.events;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Publishes reservation events to the event log (Kafka). The returned Mono completes only
 * when the broker has acknowledged every event durably, and errors otherwise (some may
 * have been published then: consumers de-duplicate by event id).
 */
public interface EventPublisher {

	/** Publishes the events in order (pipelined, not one round trip each). */
	Mono<Void> publish(List<ReservationEvent> events);

	/**
	 * Sends something that cannot be processed to the dead-letter topic, with the reason and
	 * the source that gave up on it (the relay, or a consumer group: each group that cannot
	 * process a record dead-letters it once).
	 */
	Mono<Void> deadLetter(String key, String payload, String reason, String source);

}
