package dev.stagedoor.payment;

import java.util.List;

import dev.stagedoor.payment.PaymentScripts.BeginStatus;
import dev.stagedoor.payment.PaymentScripts.ConfirmStatus;
import dev.stagedoor.reservation.HeldReservations;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;

/** CONFIRMED reservations made by the real scripts, for the script tests of later features. */
public final class PaidReservations {

	private final HeldReservations held;

	private final PaymentScripts scripts;

	public PaidReservations(ScriptRedis redis, HeldReservations held) {
		this.held = held;
		this.scripts = new PaymentScripts(redis.template(), redis.keyspace());
	}

	/** Held, paying, then confirmed, as the payment saga does it (version 3). */
	public Reservation confirmed(long schedule, String user, List<Long> seats) {
		Reservation reservation = this.held.hold(schedule, user, seats, 60_000);
		PaymentScripts.Begin begin = this.scripts.begin(reservation, 60_000).block();
		assertThat(begin.status()).isEqualTo(BeginStatus.PAYING);
		assertThat(this.scripts.confirm(reservation, begin.attempt()).block().status()).isEqualTo(ConfirmStatus.CONFIRMED);
		return this.held.find(reservation.id());
	}

}
