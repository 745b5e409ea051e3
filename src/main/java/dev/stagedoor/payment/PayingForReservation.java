package dev.stagedoor.payment;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.payment.PaymentScripts.ConfirmStatus;
import dev.stagedoor.payment.PaymentScripts.FailStatus;
import dev.stagedoor.points.Wallets;
import dev.stagedoor.points.Wallets.PaymentOutcome;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.Reservations;
import dev.stagedoor.reservation.StateReply;
import dev.stagedoor.support.OutcomeCounter;

/**
 * The payment saga. (1) Lua HELD→PAYING opens an attempt (exactly one concurrent request
 * gets it; the others see PAYING or the result). (2) One PostgreSQL transaction decides
 * the attempt PAID, inserts the payment and debits the wallet if the balance covers it.
 * (3) Lua PAYING→CONFIRMED moves the seats to sold. Insufficient points: PAYING→HELD.
 * A crash between the steps leaves PAYING, which {@link PaymentRecovery} settles. Every
 * request is counted by its result ({@code stagedoor.payments}).
 */
@Component
class PayingForReservation {

	private static final Logger log = LoggerFactory.getLogger(PayingForReservation.class);

	private final Reservations reservations;

	private final PaymentScripts scripts;

	private final Wallets wallets;

	private final PaymentProperties properties;

	private final OutcomeCounter outcomes;

	PayingForReservation(Reservations reservations, PaymentScripts scripts, Wallets wallets,
			PaymentProperties properties, MeterRegistry meters) {
		this.reservations = reservations;
		this.scripts = scripts;
		this.wallets = wallets;
		this.properties = properties;
		this.outcomes = new OutcomeCounter(meters, "stagedoor.payments", "Payment requests by result", "confirmed",
				"insufficient-points", "in-progress", "invalid-state", "not-found");
	}

	/**
	 * Runs the saga to its end even if the caller goes away (a client that disconnects
	 * mid-request cancels the HTTP exchange, not the payment): a saga cut between its steps
	 * would leave the reservation PAYING until the recovery job settles it a window later.
	 */
	Mono<PaymentResult> pay(String reservationId, String user) {
		return Mono.fromFuture(
				() -> saga(reservationId, user).doOnNext(result -> this.outcomes.count(result.outcome())).toFuture(),
				true);
	}

	private Mono<PaymentResult> saga(String reservationId, String user) {
		return this.reservations.findOwned(reservationId, user, false)
			.flatMap(reservation -> this.scripts.begin(reservation, this.properties.window().toMillis())
				.flatMap(reply -> switch (reply.status()) {
					case PAYING -> debit(reservation, reply.attempt());
					case CONFIRMED -> current(reservation).map(PaymentResult.Confirmed::new);
					case IN_PROGRESS -> current(reservation).map(PaymentResult.InProgress::new);
					case EXPIRED -> {
						log.info("Expired: reservation {}, user {} (the hold had lapsed when its owner paid)",
								reservation.id(), reservation.userId());
						yield current(reservation).map(PaymentResult.InvalidState::new);
					}
					case INVALID_STATE -> current(reservation).map(PaymentResult.InvalidState::new);
					case NOT_FOUND -> Mono.<PaymentResult>just(new PaymentResult.NotFound());
				}))
			.defaultIfEmpty(new PaymentResult.NotFound());
	}

	private Mono<PaymentResult> debit(Reservation reservation, long attempt) {
		return this.wallets.pay(reservation.id(), attempt, reservation.userId(), reservation.amount())
			.flatMap(outcome -> {
				if (outcome instanceof PaymentOutcome.InsufficientPoints insufficient) {
					return this.scripts.fail(reservation, attempt, true)
						.doOnNext(reply -> logFailed(reservation, reply, insufficient.balance()))
						.then(current(reservation))
						.map(now -> now.state() == ReservationState.HELD
								? new PaymentResult.InsufficientPoints(now, insufficient.balance())
								: new PaymentResult.InvalidState(now));
				}
				if (outcome instanceof PaymentOutcome.Voided) {
					return current(reservation).map(PaymentResult.InvalidState::new);
				}
				return complete(this.scripts, this.wallets, reservation, attempt).then(current(reservation))
					.map(now -> now.state() == ReservationState.CONFIRMED ? new PaymentResult.Confirmed(now)
							: new PaymentResult.InvalidState(now));
			});
	}

	/**
	 * Step 3 for a paid attempt, shared with the recovery job: CONFIRMED, or, if another
	 * reservation took a seat meanwhile, the payment is refunded and the reservation EXPIRED.
	 */
	static Mono<Void> complete(PaymentScripts scripts, Wallets wallets, Reservation reservation, long attempt) {
		return scripts.confirm(reservation, attempt).flatMap(reply -> {
			if (reply.status() == ConfirmStatus.CONFIRMED) {
				log.info("Paid: reservation {}, user {}, {} points, seats {} sold", reservation.id(),
						reservation.userId(), reservation.amount(), reservation.seatIds());
			}
			if (reply.status() != ConfirmStatus.SEATS_LOST) {
				return Mono.<Void>empty();
			}
			return wallets.refund(reservation.id(), "seats-lost")
				.defaultIfEmpty(0L)
				.flatMap(refunded -> scripts.fail(reservation, attempt, false)
					.doOnNext(failed -> log.warn(
							"Paid but its seats were lost: reservation {}, user {}, {} points refunded, now {}",
							reservation.id(), reservation.userId(), refunded, failed.status())))
				.then();
		});
	}

	/** The line for a payment refused for want of points ({@code fail_payment.lua}'s reply). */
	private static void logFailed(Reservation reservation, StateReply<FailStatus> reply, long balance) {
		if (reply.status() == FailStatus.HELD) {
			log.info("Payment refused: reservation {}, user {}, balance {} < {} points; held again until {}",
					reservation.id(), reservation.userId(), balance, reservation.amount(), reservation.heldUntil());
		}
		else if (reply.status() == FailStatus.EXPIRED) {
			log.info("Expired: reservation {}, user {} (payment refused, balance {} < {} points, after the hold lapsed)",
					reservation.id(), reservation.userId(), balance, reservation.amount());
		}
	}

	private Mono<Reservation> current(Reservation reservation) {
		return this.reservations.findOwned(reservation.id(), reservation.userId(), false);
	}

	/** What a payment request ended in, mapped once to HTTP. */
	sealed interface PaymentResult {

		/** The {@code outcome} tag of the {@code stagedoor.payments} meter. */
		String outcome();

		record Confirmed(Reservation reservation) implements PaymentResult {

			public String outcome() {
				return "confirmed";
			}

		}

		record InsufficientPoints(Reservation reservation, long balance) implements PaymentResult {

			public String outcome() {
				return "insufficient-points";
			}

		}

		record InProgress(Reservation reservation) implements PaymentResult {

			public String outcome() {
				return "in-progress";
			}

		}

		record InvalidState(Reservation reservation) implements PaymentResult {

			public String outcome() {
				return "invalid-state";
			}

		}

		record NotFound() implements PaymentResult {

			public String outcome() {
				return "not-found";
			}

		}

	}

}
