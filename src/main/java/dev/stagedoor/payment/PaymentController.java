package dev.stagedoor.payment;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.stagedoor.payment.PayingForReservation.PaymentResult;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationProblems;
import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.Problem;

import static dev.stagedoor.web.ProblemCode.INSUFFICIENT_POINTS;
import static dev.stagedoor.web.ProblemCode.INVALID_STATE;
import static dev.stagedoor.web.ProblemCode.PAYMENT_IN_PROGRESS;
import static dev.stagedoor.web.ProblemCode.RESERVATION_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.RATE_LIMITED;

@RestController
class PaymentController {

	private final PayingForReservation paying;

	PaymentController(PayingForReservation paying) {
		this.paying = paying;
	}

	@PostMapping("/api/reservations/{id}/payment")
	@Answer(status = 200, body = Reservation.class,
			description = "CONFIRMED, seats sold (paying a CONFIRMED reservation again debits nothing)")
	@Problems({ INSUFFICIENT_POINTS, RESERVATION_NOT_FOUND, INVALID_STATE, PAYMENT_IN_PROGRESS, RATE_LIMITED })
	Mono<ResponseEntity<Object>> pay(@PathVariable String id, Authentication caller) {
		return this.paying.pay(id, caller.getName()).map(PaymentController::toResponse);
	}

	static ResponseEntity<Object> toResponse(PaymentResult result) {
		if (result instanceof PaymentResult.Confirmed confirmed) {
			return ResponseEntity.ok().body(confirmed.reservation());
		}
		if (result instanceof PaymentResult.InsufficientPoints insufficient) {
			return Problem.response(HttpStatus.PAYMENT_REQUIRED, "insufficient-points",
					"The balance of " + insufficient.balance() + " points does not cover "
							+ insufficient.reservation().amount() + "; the seats stay held until "
							+ insufficient.reservation().heldUntil() + ".",
					Map.of("balance", insufficient.balance(), "amount", insufficient.reservation().amount(),
							"reservation", insufficient.reservation()));
		}
		if (result instanceof PaymentResult.InProgress inProgress) {
			return Problem.response(HttpStatus.CONFLICT, "payment-in-progress",
					"A payment of this reservation is in progress; its result will show on the reservation.",
					Map.of("reservation", inProgress.reservation()));
		}
		if (result instanceof PaymentResult.InvalidState invalid) {
			return ReservationProblems.invalidState(invalid.reservation());
		}
		return Problem.response(ReservationProblems.notFound());
	}

}
