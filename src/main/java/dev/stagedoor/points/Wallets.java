package dev.stagedoor.points;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Balances in PostgreSQL. Every change of a balance is a single conditional statement that
 * also appends its ledger entry (no read-modify-write in Java), so concurrent requests
 * serialise on the wallet row and a balance always equals the sum of its ledger. Payments
 * and refunds are keyed by reservation, so neither can happen twice.
 */
@Component
public class Wallets {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Clock clock;

	Wallets(DatabaseClient db, TransactionalOperator tx, Clock clock) {
		this.db = db;
		this.tx = tx;
		this.clock = clock;
	}

	public Mono<Long> balance(String user) {
		return this.db.sql("SELECT balance FROM wallet WHERE user_id = :u")
			.bind("u", user)
			.map(row -> row.get("balance", Long.class))
			.one()
			.defaultIfEmpty(0L);
	}

	Flux<LedgerEntry> ledger(String user, int limit) {
		return this.db.sql("""
				SELECT id, type, amount, balance_after, reservation_id, created_at FROM ledger_entry
				WHERE user_id = :u ORDER BY id DESC LIMIT :limit
				""")
			.bind("u", user)
			.bind("limit", limit)
			.map(row -> new LedgerEntry(row.get("id", Long.class), row.get("type", String.class),
					row.get("amount", Long.class), row.get("balance_after", Long.class),
					row.get("reservation_id", String.class), row.get("created_at", OffsetDateTime.class).toInstant()))
			.all();
	}

	/**
	 * Credits {@code amount} unless the balance would exceed {@code maxBalance}; emits the
	 * ledger entry, or empty when the limit refused it. Runs in the caller's transaction.
	 * {@code amount} must not exceed {@code maxBalance} (a new wallet is not checked).
	 */
	Mono<LedgerEntry> credit(String user, long amount, long maxBalance) {
		OffsetDateTime now = OffsetDateTime.now(this.clock);
		return this.db.sql("""
				WITH w AS (
				    INSERT INTO wallet (user_id, balance, updated_at) VALUES (:u, :amount, :now)
				    ON CONFLICT (user_id) DO UPDATE SET balance = wallet.balance + EXCLUDED.balance,
				        updated_at = EXCLUDED.updated_at
				    WHERE wallet.balance + EXCLUDED.balance <= :max
				    RETURNING balance)
				INSERT INTO ledger_entry (user_id, type, amount, balance_after, created_at)
				SELECT :u, 'CHARGE', :amount, w.balance, :now FROM w
				RETURNING id, balance_after, created_at
				""")
			.bind("u", user)
			.bind("amount", amount)
			.bind("max", maxBalance)
			.bind("now", now)
			.map(row -> new LedgerEntry(row.get("id", Long.class), "CHARGE", amount,
					row.get("balance_after", Long.class), null, row.get("created_at", OffsetDateTime.class).toInstant()))
			.one();
	}

	/**
	 * Pays for one payment attempt of a reservation in one statement (so one round trip,
	 * atomic without an explicit transaction): the wallet is debited only if the balance
	 * covers the amount, and from that debit the attempt is decided PAID, the payment row
	 * and the PAYMENT entry are inserted. The two inserts have no ON CONFLICT: if the
	 * recovery job voided the attempt first, or the reservation was paid before, a unique
	 * violation undoes the whole statement, debit included, and a look-up says which.
	 */
	public Mono<PaymentOutcome> pay(String reservationId, long attempt, String user, long amount) {
		OffsetDateTime now = OffsetDateTime.now(this.clock);
		// free seats: a user who never charged has no wallet row for the debit to match
		Mono<Long> wallet = amount > 0 ? Mono.just(0L) : this.db
			.sql("INSERT INTO wallet (user_id, balance, updated_at) VALUES (:u, 0, :now) ON CONFLICT (user_id) DO NOTHING")
			.bind("u", user)
			.bind("now", now)
			.fetch()
			.rowsUpdated();
		return wallet.then(this.db.sql("""
				WITH debit AS (
				    UPDATE wallet SET balance = balance - :amount, updated_at = :now
				    WHERE user_id = :u AND balance >= :amount
				    RETURNING balance),
				decided AS (
				    INSERT INTO payment_attempt (reservation_id, attempt, outcome, decided_at)
				    SELECT :r, :attempt, 'PAID', :now FROM debit),
				paid AS (
				    INSERT INTO payment (reservation_id, user_id, amount, paid_at)
				    SELECT :r, :u, :amount, :now FROM debit)
				INSERT INTO ledger_entry (user_id, type, amount, balance_after, reservation_id, created_at)
				SELECT :u, 'PAYMENT', -:amount, debit.balance, :r, :now FROM debit
				RETURNING balance_after
				""")
			.bind("u", user)
			.bind("amount", amount)
			.bind("r", reservationId)
			.bind("attempt", attempt)
			.bind("now", now)
			.map(row -> row.get("balance_after", Long.class))
			.one()
			.<PaymentOutcome>map(PaymentOutcome.Paid::new)
			.switchIfEmpty(Mono.defer(() -> balance(user).map(PaymentOutcome.InsufficientPoints::new)))
			.onErrorResume(DataIntegrityViolationException.class, ex -> paid(reservationId)
				.map(paid -> paid ? new PaymentOutcome.AlreadyPaid() : new PaymentOutcome.Voided())));
	}

	/**
	 * For the recovery job: settles an attempt nobody finished. If no payment committed for
	 * it, it is voided now (a late debit for it can no longer happen); emits true if the
	 * attempt was paid.
	 */
	public Mono<Boolean> settle(String reservationId, long attempt) {
		return decide(reservationId, attempt, "VOIDED", OffsetDateTime.now(this.clock))
			.map("PAID"::equals)
			.as(this.tx::transactional);
	}

	/** Inserts the decision for an attempt, or reads the one that committed first. */
	private Mono<String> decide(String reservationId, long attempt, String outcome, OffsetDateTime now) {
		return this.db.sql("""
				INSERT INTO payment_attempt (reservation_id, attempt, outcome, decided_at)
				VALUES (:r, :attempt, :outcome, :now)
				ON CONFLICT (reservation_id, attempt) DO NOTHING
				""")
			.bind("r", reservationId)
			.bind("attempt", attempt)
			.bind("outcome", outcome)
			.bind("now", now)
			.fetch()
			.rowsUpdated()
			.flatMap(inserted -> inserted == 1 ? Mono.just(outcome) : this.db
				.sql("SELECT outcome FROM payment_attempt WHERE reservation_id = :r AND attempt = :attempt")
				.bind("r", reservationId)
				.bind("attempt", attempt)
				.map(row -> row.get("outcome", String.class))
				.one());
	}

	/**
	 * Gives a reservation's payment back, at most once: one statement records the refund
	 * (one per reservation), credits the wallet and appends the REFUND entry. Emits the
	 * amount refunded now, or empty if it was refunded before or never paid.
	 */
	public Mono<Long> refund(String reservationId, String reason) {
		return this.db.sql("""
				WITH p AS (SELECT user_id, amount FROM payment WHERE reservation_id = :r),
				rf AS (
				    INSERT INTO refund (reservation_id, user_id, amount, reason, refunded_at)
				    SELECT :r, p.user_id, p.amount, :reason, :now FROM p
				    ON CONFLICT (reservation_id) DO NOTHING
				    RETURNING user_id, amount),
				w AS (
				    UPDATE wallet SET balance = wallet.balance + rf.amount, updated_at = :now FROM rf
				    WHERE wallet.user_id = rf.user_id
				    RETURNING wallet.user_id, wallet.balance, rf.amount)
				INSERT INTO ledger_entry (user_id, type, amount, balance_after, reservation_id, created_at)
				SELECT w.user_id, 'REFUND', w.amount, w.balance, :r, :now FROM w
				RETURNING amount
				""")
			.bind("r", reservationId)
			.bind("reason", reason)
			.bind("now", OffsetDateTime.now(this.clock))
			.map(row -> row.get("amount", Long.class))
			.one();
	}

	/**
	 * The paid attempt of each of {@code reservationIds} that has a payment and no refund
	 * (money is recorded at once, events later, so a payment may be newer than what the
	 * reservation's row says); reservations without one are absent.
	 */
	public Mono<Map<String, Long>> paidAttempts(Collection<String> reservationIds) {
		if (reservationIds.isEmpty()) {
			return Mono.just(Map.of());
		}
		return this.db.sql("""
				SELECT a.reservation_id, max(a.attempt) AS attempt FROM payment_attempt a
				WHERE a.reservation_id = ANY(:ids) AND a.outcome = 'PAID'
				  AND NOT EXISTS (SELECT 1 FROM refund f WHERE f.reservation_id = a.reservation_id)
				GROUP BY a.reservation_id
				""")
			.bind("ids", reservationIds.toArray(String[]::new))
			.map(row -> Map.entry(row.get("reservation_id", String.class), row.get("attempt", Long.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue);
	}

	/** Whether a reservation's payment has been refunded. */
	public Mono<Boolean> refunded(String reservationId) {
		return this.db.sql("SELECT 1 AS one FROM refund WHERE reservation_id = :r")
			.bind("r", reservationId)
			.map(row -> true)
			.one()
			.defaultIfEmpty(false);
	}

	/** Whether a reservation has been paid for (a payment row exists). */
	public Mono<Boolean> paid(String reservationId) {
		return this.db.sql("SELECT 1 AS one FROM payment WHERE reservation_id = :r")
			.bind("r", reservationId)
			.map(row -> true)
			.one()
			.defaultIfEmpty(false);
	}

	/** What paying for an attempt did. */
	public sealed interface PaymentOutcome {

		/** Debited now; the balance after it. */
		record Paid(long balance) implements PaymentOutcome {
		}

		/** The reservation was paid before; nothing debited now. */
		record AlreadyPaid() implements PaymentOutcome {
		}

		/** The balance does not cover the amount; nothing changed. */
		record InsufficientPoints(long balance) implements PaymentOutcome {
		}

		/** The recovery job gave up on this attempt first; nothing debited. */
		record Voided() implements PaymentOutcome {
		}

	}

}
