package dev.stagedoor.cancellation;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.cancellation.CancellationScripts.RequestStatus;
import dev.stagedoor.reservation.ReleasingHold;
import dev.stagedoor.reservation.ReleasingHold.CancelResult;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.Reservations;
import dev.stagedoor.support.OutcomeCounter;

/**
 * The owner cancels a reservation. HELD: released at once (CANCELLED). CONFIRMED: Lua
 * CONFIRMED→CANCELLING before the schedule's cancel deadline, and the
 * {@link CancellationWorker} refunds and releases the seats. Repeated or concurrent calls
 * see the current state; none refunds a second time. Every request is counted by the state
 * or refusal it ends in ({@code stagedoor.cancellations}).
 */
@Component
class CancellingReservation {

	private static final Logger log = LoggerFactory.getLogger(CancellingReservation.class);

	private final Reservations reservations;

	private final ReleasingHold releasing;

	private final CancellationScripts scripts;

	private final OutcomeCounter outcomes;

	CancellingReservation(Reservations reservations, ReleasingHold releasing, CancellationScripts scripts,
			MeterRegistry meters) {
		this.reservations = reservations;
		this.releasing = releasing;
		this.scripts = scripts;
		this.outcomes = new OutcomeCounter(meters, "stagedoor.cancellations",
				"Cancellation requests by the state (cancelled, cancelling) or refusal they end in", "cancelled",
				"cancelling", "deadline-passed", "invalid-state", "not-found");
	}

	Mono<Outcome> cancel(String reservationId, String user) {
		return this.reservations.findOwned(reservationId, user, false).flatMap(reservation -> {
			if (reservation.state() == ReservationState.HELD) {
				return this.releasing.cancel(reservationId, user).flatMap(result -> {
					if (result instanceof CancelResult.Cancelled cancelled) {
						return Mono.just(new Outcome.Done(cancelled.reservation()));
					}
					if (result instanceof CancelResult.InvalidState invalid
							&& invalid.reservation().state() == ReservationState.CONFIRMED) {
						// paid in the meantime: cancel the purchase instead
						return requestCancellation(invalid.reservation(), user);
					}
					if (result instanceof CancelResult.InvalidState invalid) {
						return Mono.just(new Outcome.InvalidState(invalid.reservation()));
					}
					return Mono.<Outcome>just(new Outcome.NotFound());
				});
			}
			return requestCancellation(reservation, user);
		}).defaultIfEmpty(new Outcome.NotFound()).doOnNext(outcome -> this.outcomes.count(outcome.outcome()));
	}

	private Mono<Outcome> requestCancellation(Reservation reservation, String user) {
		return this.scripts.request(reservation, user)
			.doOnNext(reply -> {
				if (reply.status() == RequestStatus.CANCELLING) {
					log.info("Cancellation requested: reservation {}, user {}, {} points to refund", reservation.id(), user,
							reservation.amount());
				}
			})
			.flatMap(reply -> current(reservation, user).map(now -> switch (reply.status()) {
				case CANCELLING, ALREADY -> now.state() == ReservationState.CANCELLED ? new Outcome.Done(now)
						: new Outcome.Accepted(now);
				case DEADLINE_PASSED -> new Outcome.DeadlinePassed(now);
				case INVALID_STATE -> new Outcome.InvalidState(now);
				case NOT_FOUND -> new Outcome.NotFound();
			}));
	}

	private Mono<Reservation> current(Reservation reservation, String user) {
		return this.reservations.findOwned(reservation.id(), user, false);
	}

	/** What a cancellation request ended in, mapped once to HTTP. */
	sealed interface Outcome {

		/** The {@code outcome} tag of the {@code stagedoor.cancellations} meter. */
		String outcome();

		/** CANCELLED now or before (200). */
		record Done(Reservation reservation) implements Outcome {

			public String outcome() {
				return "cancelled";
			}

		}

		/** CANCELLING: the worker finishes it (202). */
		record Accepted(Reservation reservation) implements Outcome {

			public String outcome() {
				return "cancelling";
			}

		}

		record DeadlinePassed(Reservation reservation) implements Outcome {

			public String outcome() {
				return "deadline-passed";
			}

		}

		record InvalidState(Reservation reservation) implements Outcome {

			public String outcome() {
				return "invalid-state";
			}

		}

		record NotFound() implements Outcome {

			public String outcome() {
				return "not-found";
			}

		}

	}

}
