package dev.stagedoor.reservation;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.stagedoor.web.Problem;

/** The problems every reservation endpoint shares (holds, payment, cancellation). */
public final class ReservationProblems {

	private ReservationProblems() {
	}

	public static ResponseEntity<Object> invalidState(Reservation reservation) {
		return Problem.response(HttpStatus.CONFLICT, "invalid-state",
				"The reservation is " + reservation.state() + "; this is not possible now.",
				Map.of("state", reservation.state().name(), "reservation", reservation));
	}

	public static ProblemDetail notFound() {
		return Problem.of(HttpStatus.NOT_FOUND, "reservation-not-found", "There is no such reservation.");
	}

}
