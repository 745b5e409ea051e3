package dev.stagedoor.payment;

import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.stagedoor.points.Wallets;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.RestoredReservations;
import dev.stagedoor.reservation.RestoredReservations.Paying;
import dev.stagedoor.reservation.RestoredReservations.Record;
import dev.stagedoor.support.RedisKeyspace;
import reactor.core.publisher.Mono;

/**
 * The payment feature's part of a schedule's rebuild: which reservations come back PAYING,
 * and the list they come back into (the one {@link PaymentRecovery} works through).
 */
@Component
public class RestoredPayments implements RestoredReservations.Tracking {

	private final Wallets wallets;

	private final PaymentProperties properties;

	private final RedisKeyspace keyspace;

	RestoredPayments(Wallets wallets, PaymentProperties properties, RedisKeyspace keyspace) {
		this.wallets = wallets;
		this.properties = properties;
		this.keyspace = keyspace;
	}

	@Override
	public ReservationState state() {
		return ReservationState.PAYING;
	}

	@Override
	public String key(long scheduleId) {
		return PaymentKeys.of(this.keyspace, scheduleId).paying();
	}

	/**
	 * The records as they are to be restored: a HELD or PAYING reservation whose payment
	 * committed (and was not refunded) comes back as that attempt, due at once, so the
	 * recovery job confirms it; an unpaid PAYING one as its own attempt (its version) from when
	 * it began; either way its seats stay held for at least two payment windows. Everything
	 * else as recorded.
	 */
	public Mono<List<Record>> settle(List<Record> records) {
		Duration holdAtLeast = this.properties.window().multipliedBy(2);
		List<String> open = records.stream()
			.filter(r -> r.state() == ReservationState.HELD || r.state() == ReservationState.PAYING)
			.map(Record::id)
			.toList();
		return this.wallets.paidAttempts(open).map(paid -> records.stream().map(r -> {
			if (r.state() != ReservationState.HELD && r.state() != ReservationState.PAYING) {
				return r;
			}
			Long attempt = paid.get(r.id());
			if (attempt != null) {
				return r.payingIn(new Paying(attempt, 0, holdAtLeast));
			}
			return r.state() == ReservationState.PAYING ? r.payingIn(new Paying(r.version(), r.updatedAt(), holdAtLeast))
					: r;
		}).toList());
	}

}
