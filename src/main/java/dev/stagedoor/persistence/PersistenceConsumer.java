package dev.stagedoor.persistence;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import dev.stagedoor.events.EventSubscriber;
import dev.stagedoor.events.EventSubscriber.PoisonEventException;
import dev.stagedoor.events.ReservationEvent;

/**
 * Consumer group {@value #GROUP}: writes every reservation event to PostgreSQL. Offsets are
 * committed after the transaction, so a crash replays events, and replays change nothing.
 */
@Component
class PersistenceConsumer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(PersistenceConsumer.class);

	static final String GROUP = "stagedoor-persistence";

	private final EventSubscriber subscriber;

	private final ReservationRecords records;

	private volatile Disposable running;

	PersistenceConsumer(EventSubscriber subscriber, ReservationRecords records) {
		this.subscriber = subscriber;
		this.records = records;
	}

	Mono<Void> handle(ReservationEvent event) {
		if (event.seatIds().isBlank() || !event.seatIds().matches("[0-9]+(,[0-9]+)*")) {
			return Mono.error(new PoisonEventException("event " + event.eventId() + " has no valid seat ids", null));
		}
		return this.records.apply(event)
			.doOnNext(applied -> log.debug("{} {}", applied ? "applied" : "duplicate", event.eventId()))
			.then();
	}

	@Override
	public void start() {
		this.running = this.subscriber.subscribe(GROUP, this::handle).subscribe();
	}

	@Override
	public void stop() {
		Disposable current = this.running;
		if (current != null) {
			current.dispose();
		}
		this.running = null;
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

}
