package dev.stagedoor.cancellation;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.stagedoor.cancellation.CancellingReservation.Outcome;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationProblems;
import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.Problem;

import static dev.stagedoor.web.ProblemCode.CANCEL_DEADLINE_PASSED;
import static dev.stagedoor.web.ProblemCode.INVALID_STATE;
import static dev.stagedoor.web.ProblemCode.RESERVATION_NOT_FOUND;

@RestController
class CancellationController {

	private final CancellingReservation cancelling;

	CancellationController(CancellingReservation cancelling) {
		this.cancelling = cancelling;
	}

	/** HELD: 200 CANCELLED. CONFIRMED: 202 CANCELLING, then CANCELLED with one refund. */
	@PostMapping("/api/reservations/{id}/cancellation")
	@Answer(status = 200, body = Reservation.class, description = "CANCELLED (a HELD reservation is released at once)")
	@Answer(status = 202, body = Reservation.class,
			description = "CANCELLING: a bought reservation, refunded and CANCELLED shortly")
	@Problems({ RESERVATION_NOT_FOUND, INVALID_STATE, CANCEL_DEADLINE_PASSED })
	Mono<ResponseEntity<Object>> cancel(@PathVariable String id, Authentication caller) {
		return this.cancelling.cancel(id, caller.getName()).map(CancellationController::toResponse);
	}

	static ResponseEntity<Object> toResponse(Outcome outcome) {
		if (outcome instanceof Outcome.Done done) {
			return ResponseEntity.ok().body(done.reservation());
		}
		if (outcome instanceof Outcome.Accepted accepted) {
			return ResponseEntity.accepted().body(accepted.reservation());
		}
		if (outcome instanceof Outcome.DeadlinePassed passed) {
			return Problem.response(HttpStatus.CONFLICT, "cancel-deadline-passed",
					"The cancel deadline of this schedule has passed.", Map.of("reservation", passed.reservation()));
		}
		if (outcome instanceof Outcome.InvalidState invalid) {
			return ReservationProblems.invalidState(invalid.reservation());
		}
		return Problem.response(ReservationProblems.notFound());
	}

}
