package dev.stagedoor.persistence;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

@RestController
class MyReservationsController {

	private final ReservationRecords records;

	MyReservationsController(ReservationRecords records) {
		this.records = records;
	}

	/** The caller's reservations as persisted in PostgreSQL (the durable record; eventually consistent). */
	@GetMapping("/api/me/reservations")
	Flux<PersistedReservation> mine(Authentication caller) {
		return this.records.findByUser(caller.getName());
	}

}
