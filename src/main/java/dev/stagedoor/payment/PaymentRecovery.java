package dev.stagedoor.payment;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.points.Wallets;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.Reservations;
import dev.stagedoor.support.Ticker;

/**
 * Settles payments nobody finished (the instance died, Redis or PostgreSQL failed between
 * the steps): a reservation PAYING for longer than the payment window is CONFIRMED if its
 * attempt was paid, or else the attempt is voided in PostgreSQL (so a late debit for it is
 * impossible) and the reservation goes back to HELD, or EXPIRED past its deadline. Every
 * instance runs it; PostgreSQL decides each attempt once and the scripts act only on the
 * attempt they are given, so two instances settling one payment agree.
 */
@Component
class PaymentRecovery {

	private static final Logger log = LoggerFactory.getLogger(PaymentRecovery.class);

	static final int BATCH = 100;

	private final PaymentScripts scripts;

	private final Reservations reservations;

	private final Wallets wallets;

	private final PaymentProperties properties;

	private final Clock clock;

	private final SeatCatalog catalog;

	PaymentRecovery(PaymentScripts scripts, Reservations reservations, Wallets wallets, PaymentProperties properties,
			Clock clock, SeatCatalog catalog) {
		this.scripts = scripts;
		this.catalog = catalog;
		this.reservations = reservations;
		this.wallets = wallets;
		this.properties = properties;
		this.clock = clock;
	}

	/** Settles every stale payment of every known schedule; emits how many. */
	Mono<Long> settleStale() {
		long cutoff = this.clock.millis() - this.properties.window().toMillis();
		return Flux.fromIterable(this.catalog.knownScheduleIds())
			.flatMap(schedule -> this.scripts.stalePayments(schedule, cutoff, BATCH), 4)
			.flatMap(id -> this.reservations.findOwned(id, null, true), 8)
			.filter(reservation -> reservation.state() == ReservationState.PAYING)
			.concatMap(reservation -> settle(reservation, cutoff))
			.count();
	}

	private Mono<Void> settle(Reservation reservation, long cutoff) {
		// the attempt is read when its turn comes; one that began after the cutoff is a new
		// attempt of a fan who paid again meanwhile, not the stale one
		return this.scripts.attempt(reservation)
			.filter(current -> current.beganAt() <= cutoff)
			.map(PaymentScripts.Attempt::number)
			.flatMap(attempt -> this.wallets.settle(reservation.id(), attempt).flatMap(paid -> {
				if (paid) {
					log.info("Stale payment settled: reservation {}, user {}, attempt {}: paid, confirming",
							reservation.id(), reservation.userId(), attempt);
					return completePaid(reservation, attempt);
				}
				return this.scripts.fail(reservation, attempt, true)
					.doOnNext(reply -> log.info("Stale payment settled: reservation {}, user {}, attempt {}: not paid, "
							+ "voided, now {}", reservation.id(), reservation.userId(), attempt, reply.status()))
					.then();
			}));
	}

	/**
	 * A paid attempt left PAYING. Only here can its payment already be refunded (a request
	 * found its seats taken, refunded, and died before expiring it); such a one is expired,
	 * never confirmed, even if its seats came free again. A live request never meets that
	 * case, so its path carries no extra read.
	 */
	private Mono<Void> completePaid(Reservation reservation, long attempt) {
		return this.wallets.refunded(reservation.id())
			.flatMap(refunded -> refunded ? this.scripts.fail(reservation, attempt, false)
				.doOnNext(reply -> log.info("Expired: reservation {}, user {} (its payment had been refunded: seats lost)",
						reservation.id(), reservation.userId()))
				.then() : PayingForReservation.complete(this.scripts, this.wallets, reservation, attempt));
	}

	@Configuration(proxyBeanMethods = false)
	static class Running {

		@Bean
		Ticker paymentRecoveryJob(PaymentRecovery recovery, PaymentProperties properties) {
			return new Ticker("payment recovery", properties.recoveryInterval(), recovery::settleStale);
		}

	}

}
