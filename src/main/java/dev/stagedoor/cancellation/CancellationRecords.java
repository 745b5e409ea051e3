package dev.stagedoor.cancellation;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import dev.stagedoor.points.Wallets;

/**
 * The PostgreSQL side of a cancellation: the refund (at most one per reservation) and the
 * history row are one transaction, so a cancellation is in the history exactly when it was
 * refunded; both are no-ops the second time.
 */
@Component
class CancellationRecords {

	static final String REASON = "cancelled-by-user";

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Wallets wallets;

	private final Clock clock;

	CancellationRecords(DatabaseClient db, TransactionalOperator tx, Wallets wallets, Clock clock) {
		this.db = db;
		this.tx = tx;
		this.wallets = wallets;
		this.clock = clock;
	}

	/** Refunds and records the cancellation; emits the amount refunded now (0 if it was done before). */
	Mono<Long> refund(String reservationId, String user, long requestedAtMillis) {
		Mono<Long> work = this.wallets.refund(reservationId, REASON)
			.defaultIfEmpty(0L)
			.flatMap(refunded -> this.db.sql("""
					INSERT INTO cancellation (reservation_id, user_id, requested_at, refund_amount, reason)
					SELECT :r, :u, :requested, coalesce((SELECT amount FROM refund WHERE reservation_id = :r), 0), :reason
					ON CONFLICT (reservation_id) DO NOTHING
					""")
				.bind("r", reservationId)
				.bind("u", user)
				.bind("requested", Instant.ofEpochMilli(requestedAtMillis).atOffset(ZoneOffset.UTC))
				.bind("reason", REASON)
				.fetch()
				.rowsUpdated()
				.thenReturn(refunded));
		return work.as(this.tx::transactional);
	}

	Mono<Void> completed(String reservationId) {
		return this.db.sql("UPDATE cancellation SET completed_at = :now WHERE reservation_id = :r AND completed_at IS NULL")
			.bind("now", OffsetDateTime.now(this.clock))
			.bind("r", reservationId)
			.fetch()
			.rowsUpdated()
			.then();
	}

}
