package dev.stagedoor.reservation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.reservation.ReservationScripts.ReleaseStatus;

/**
 * The owner cancels a reservation. A HELD one is released at once (CANCELLED, seats free).
 * Later states belong to the payment and cancellation flows.
 */
@Component
public class ReleasingHold {

	private static final Logger log = LoggerFactory.getLogger(ReleasingHold.class);

	private final ReservationScripts scripts;

	private final Reservations reservations;

	ReleasingHold(ReservationScripts scripts, Reservations reservations) {
		this.scripts = scripts;
		this.reservations = reservations;
	}

	public Mono<CancelResult> cancel(String reservationId, String user) {
		return this.reservations.findOwned(reservationId, user, false)
			.flatMap(reservation -> this.scripts.release(reservation, user).doOnNext(reply -> {
				if (reply.status() == ReleaseStatus.CANCELLED) {
					log.info("Released: reservation {}, user {}, seats {} free again (cancelled while held)",
							reservation.id(), user, reservation.seatIds());
				}
				else if (reply.status() == ReleaseStatus.EXPIRED) {
					log.info("Expired: reservation {}, user {} (the hold had lapsed when its owner cancelled it)",
							reservation.id(), user);
				}
			}).flatMap(reply -> switch (reply.status()) {
				case CANCELLED, ALREADY -> current(reservation, user).map(CancelResult.Cancelled::new);
				case EXPIRED, INVALID_STATE -> current(reservation, user).map(CancelResult.InvalidState::new);
				case NOT_FOUND -> Mono.<CancelResult>just(new CancelResult.NotFound());
			}))
			.cast(CancelResult.class)
			.defaultIfEmpty(new CancelResult.NotFound());
	}

	private Mono<Reservation> current(Reservation reservation, String user) {
		return this.reservations.findOwned(reservation.id(), user, false);
	}

	public sealed interface CancelResult {

		record Cancelled(Reservation reservation) implements CancelResult {
		}

		record InvalidState(Reservation reservation) implements CancelResult {
		}

		record NotFound() implements CancelResult {
		}

	}

}
