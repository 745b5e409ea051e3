package dev.stagedoor.reservation;

import java.util.OptionalLong;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Reading reservations from Redis; a reservation is visible to its owner and to admins only. */
@Component
public class Reservations {

	private final ReservationScripts scripts;

	Reservations(ReservationScripts scripts) {
		this.scripts = scripts;
	}

	/** The reservation if it exists and the caller may see it; empty otherwise (never says which). */
	public Mono<Reservation> findOwned(String reservationId, String user, boolean admin) {
		OptionalLong schedule = ReservationIds.scheduleOf(reservationId);
		if (schedule.isEmpty()) {
			return Mono.empty();
		}
		return this.scripts.find(schedule.getAsLong(), reservationId)
			.filter(reservation -> admin || reservation.userId().equals(user));
	}

}
