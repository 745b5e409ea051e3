package dev.stagedoor.persistence;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.events.EventSubscriber;
import dev.stagedoor.support.Background;
import dev.stagedoor.events.EventSubscriber.PoisonEventException;
import dev.stagedoor.events.EventType;
import dev.stagedoor.events.ReservationEvent;

/**
 * Consumer group {@value #GROUP}: writes every reservation event to PostgreSQL. Offsets are
 * committed after the transaction, so a crash replays events, and replays change nothing.
 * {@code stagedoor.persistence.lag} records, for every event of a committed batch, the time
 * from its transition in Redis to the commit.
 */
@Component
class PersistenceConsumer {

	private static final Logger log = LoggerFactory.getLogger(PersistenceConsumer.class);

	static final String GROUP = "stagedoor-persistence";

	private final ReservationRecords records;

	private final Clock clock;

	private final Timer lag;

	private final WaitingListRecords waitingLists;

	PersistenceConsumer(ReservationRecords records, WaitingListRecords waitingLists, Clock clock, MeterRegistry meters) {
		this.records = records;
		this.waitingLists = waitingLists;
		this.clock = clock;
		this.lag = Timer.builder("stagedoor.persistence.lag")
			.description("From a reservation event's transition in Redis to the commit of its batch in PostgreSQL")
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofMinutes(5))
			.register(meters);
	}

	Mono<Void> handle(List<ReservationEvent> all) {
		List<ReservationEvent> waiting = all.stream().filter(e -> EventType.isWaitingList(e.type())).toList();
		List<ReservationEvent> events = all.stream().filter(e -> !EventType.isWaitingList(e.type())).toList();
		for (ReservationEvent event : waiting) {
			if (!event.waiting().matches("[0-9]{1,18}:(s:[0-9]{1,9}|i:[0-9]{1,18}:[0-9]{1,9})")) {
				return Mono.error(new PoisonEventException("event " + event.eventId() + " has no valid waiting field", null));
			}
		}
		for (ReservationEvent event : events) {
			boolean seats = event.seatIds().matches("[0-9]{1,18}(,[0-9]{1,18})*");
			boolean items = event.items().matches("[0-9]{1,18}:[0-9]{1,9}:[0-9]{1,18}(,[0-9]{1,18}:[0-9]{1,9}:[0-9]{1,18})*");
			if (!(seats || event.seatIds().isEmpty()) || !(items || event.items().isEmpty()) || !(seats || items)) {
				return Mono.error(new PoisonEventException(
						"event " + event.eventId() + " has no valid seat ids or items", null));
			}
		}
		return this.records.applyAll(events)
			.doOnNext(recorded -> log.debug("{} of {} events were new", recorded, events.size()))
			.then(this.waitingLists.applyAll(waiting))
			.doOnSuccess(done -> recordLag(all))
			.then();
	}

	private void recordLag(List<ReservationEvent> events) {
		long committed = this.clock.millis();
		for (ReservationEvent event : events) {
			// Redis' clock and this one may differ by a little: never a negative lag
			this.lag.record(Duration.ofMillis(Math.max(0, committed - event.at())));
		}
	}

	/** Runs the consumer while the application runs. */
	@Configuration(proxyBeanMethods = false)
	static class Running {

		@Bean
		Background persistenceConsumerJob(EventSubscriber subscriber, PersistenceConsumer consumer) {
			return new Background("persistence consumer", () -> subscriber.subscribeBatches(GROUP, consumer::handle));
		}

	}

}
