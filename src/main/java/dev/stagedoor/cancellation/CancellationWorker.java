package dev.stagedoor.cancellation;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.cancellation.CancellationScripts.CompleteStatus;
import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.events.EventSubscriber;
import dev.stagedoor.events.EventSubscriber.PoisonEventException;
import dev.stagedoor.events.EventType;
import dev.stagedoor.events.ReservationEvent;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.Reservations;
import dev.stagedoor.support.Background;
import dev.stagedoor.support.Ticker;

/**
 * Consumer group {@value #GROUP}: for each CANCEL_REQUESTED event, refunds in PostgreSQL
 * (with the history row), then Lua CANCELLING→CANCELLED puts the seats back on sale. Each
 * step is idempotent, so a redelivered event or a worker killed between the steps ends in
 * the same single refund and CANCELLED state. While the worker (or Kafka) is away,
 * cancellations wait in CANCELLING and are counted as stuck after
 * {@code stagedoor.cancellation.stuck-after}; the worker resumes them from its committed
 * offset when it returns, and any instance finishes one still waiting after
 * {@code stagedoor.cancellation.resume-after} without its event.
 */
@Component
class CancellationWorker {

	private static final Logger log = LoggerFactory.getLogger(CancellationWorker.class);

	static final String GROUP = "stagedoor-cancellation";

	private final Reservations reservations;

	private final CancellationScripts scripts;

	private final CancellationRecords records;

	private final AtomicLong stuck = new AtomicLong();

	private final Counter completed;

	private final SeatCatalog catalog;

	CancellationWorker(Reservations reservations, CancellationScripts scripts, CancellationRecords records,
			SeatCatalog catalog, MeterRegistry meters) {
		this.reservations = reservations;
		this.catalog = catalog;
		this.scripts = scripts;
		this.records = records;
		this.completed = Counter.builder("stagedoor.cancellations.completed")
			.description("Cancellations this instance completed: refunded, CANCELLING to CANCELLED, seats back on sale")
			.register(meters);
	}

	Mono<Void> handle(ReservationEvent event) {
		if (!event.is(EventType.CANCEL_REQUESTED)) {
			return Mono.empty();
		}
		return this.reservations.findOwned(event.reservationId(), null, true)
			.switchIfEmpty(Mono.error(() -> new PoisonEventException(
					"reservation " + event.reservationId() + " is not in Redis (rebuild the schedule, then replay)", null)))
			.flatMap(reservation -> finish(reservation, event.at()));
	}

	/**
	 * Finishes cancellations waiting longer than {@code resumeAfter} without their event (lost
	 * with Redis, dead-lettered, or a worker that stays away); emits how many.
	 */
	Mono<Long> resumeWaiting(CancellationProperties properties, Clock clock) {
		return this.scripts
			.requestedBefore(this.catalog.knownScheduleIds(), clock.millis() - properties.resumeAfter().toMillis(), 100)
			.concatMap(waiting -> this.reservations.findOwned(waiting.getKey(), null, true)
				.doOnNext(reservation -> log.warn("Resuming the cancellation of {}, waiting since {} ms",
						reservation.id(), waiting.getValue()))
				.flatMap(reservation -> finish(reservation, waiting.getValue()))
				.thenReturn(1))
			.count();
	}

	/** Refund (once) with the history row, then CANCELLING→CANCELLED; a no-op when done. */
	private Mono<Void> finish(Reservation reservation, long requestedAt) {
		if (reservation.state() == ReservationState.CANCELLED) {
			return this.records.completed(reservation.id());
		}
		if (reservation.state() != ReservationState.CANCELLING) {
			log.warn("Not cancelling {}: it is {}", reservation.id(), reservation.state());
			return Mono.empty();
		}
		return this.records.refund(reservation.id(), reservation.userId(), requestedAt)
			.doOnNext(refunded -> {
				if (refunded > 0) {
					log.info("Refunded: reservation {}, user {}, {} points", reservation.id(), reservation.userId(),
							refunded);
				}
			})
			.then(this.scripts.complete(reservation))
			.doOnNext(reply -> {
				if (reply.status() == CompleteStatus.CANCELLED) {
					this.completed.increment();
					log.info("Cancelled: reservation {}, user {}, seats {} back on sale", reservation.id(),
							reservation.userId(), reservation.seatIds());
				}
			})
			.then(this.records.completed(reservation.id()));
	}

	/** Counts CANCELLING reservations older than {@code stuckAfter}. */
	Mono<Long> countStuck(CancellationProperties properties, Clock clock) {
		return this.scripts
			.countRequestedBefore(this.catalog.knownScheduleIds(), clock.millis() - properties.stuckAfter().toMillis())
			.doOnNext(count -> {
				if (count > 0 && this.stuck.get() == 0) {
					log.warn("{} cancellations are waiting longer than {}", count, properties.stuckAfter());
				}
				this.stuck.set(count);
			});
	}

	long stuck() {
		return this.stuck.get();
	}

	@Configuration(proxyBeanMethods = false)
	static class Running {

		@Bean
		Background cancellationWorkerJob(EventSubscriber subscriber, CancellationWorker worker) {
			return new Background("cancellation worker", () -> subscriber.subscribe(GROUP, worker::handle));
		}

		@Bean
		Ticker stuckCancellationCheck(CancellationWorker worker, CancellationProperties properties, Clock clock,
				MeterRegistry meters) {
			Gauge.builder("stagedoor.cancellations.stuck", worker, CancellationWorker::stuck)
				.description("Reservations CANCELLING for longer than stagedoor.cancellation.stuck-after")
				.register(meters);
			return new Ticker("stuck cancellation check", properties.checkInterval(),
					() -> worker.countStuck(properties, clock).then(worker.resumeWaiting(properties, clock)));
		}

		/** DOWN while some cancellation waits longer than stuck-after (the worker or Kafka is away). */
		@Bean
		ReactiveHealthIndicator cancellationsHealthIndicator(CancellationWorker worker,
				CancellationProperties properties) {
			return () -> Mono.just(worker.stuck() == 0 ? Health.up().build()
					: Health.down()
						.withDetail("stuck", worker.stuck())
						.withDetail("stuckAfter", properties.stuckAfter().toString())
						.build());
		}

	}

}
