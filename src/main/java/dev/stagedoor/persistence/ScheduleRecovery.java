package dev.stagedoor.persistence;

import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.cancellation.CancellationKeys;
import dev.stagedoor.cancellation.RebuiltCancellations;
import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.inventory.Inventories;
import dev.stagedoor.payment.PaymentKeys;
import dev.stagedoor.reservation.ReservationHolds;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationKeys;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;

/**
 * Rebuilds a schedule's Redis state from PostgreSQL: the seat catalog, then every
 * reservation recorded in a non-final state (HELD and PAYING with the time their hold had
 * left, CONFIRMED and CANCELLING back to sold; a paid HELD/PAYING one as its paid attempt for
 * the payment recovery job; a refunded CANCELLING one completed). At start-up every schedule whose catalog is
 * missing in Redis is rebuilt; the others only get their catalog republished.
 * Not recoverable: changes that never reached PostgreSQL (events still in a lost outbox).
 */
@Component
class ScheduleRecovery {

	private static final Logger log = LoggerFactory.getLogger(ScheduleRecovery.class);

	private final LuaScript restore = LuaScript.load("restore_reservation");

	private final SeatCatalog catalog;

	private final Inventories inventories;

	private final DatabaseClient db;

	private final ReactiveStringRedisTemplate redis;

	private final Duration paymentWindow;

	private final RedisKeyspace keyspace;

	private final RebuiltCancellations cancellations;

	ScheduleRecovery(SeatCatalog catalog, Inventories inventories, DatabaseClient db, ReactiveStringRedisTemplate redis,
			@Value("${stagedoor.payment.window:60s}") Duration paymentWindow, RedisKeyspace keyspace,
			RebuiltCancellations cancellations) {
		this.catalog = catalog;
		this.inventories = inventories;
		this.keyspace = keyspace;
		this.cancellations = cancellations;
		this.db = db;
		this.redis = redis;
		this.paymentWindow = paymentWindow;
	}

	/** Emits the number of reservations restored; empty if the schedule does not exist. */
	Mono<Long> rebuild(long scheduleId) {
		return this.catalog.schedule(scheduleId)
			.flatMap(this.catalog::publish)
			.flatMap(schedule -> this.inventories.publishAll(scheduleId).thenReturn(schedule))
			.flatMap(schedule -> live(scheduleId).concatMap(r -> restore(scheduleId, r)).reduce(0L, Long::sum));
	}

	@EventListener(ApplicationReadyEvent.class)
	void recoverAll() {
		this.catalog.allScheduleIds()
			.concatMap(id -> this.redis.hasKey(this.catalog.keys(id).seats()).flatMap(present -> present
					? this.catalog.schedule(id)
						.flatMap(this.catalog::publish)
						.then(this.inventories.publishAll(id))
						.thenReturn(0L)
					: rebuild(id).doOnNext(n -> log.warn("Schedule {} was missing in Redis: rebuilt, {} reservations", id, n))))
			.count()
			.subscribe(n -> log.info("Published {} schedules", n), ex -> log.error("Could not publish schedules", ex));
	}

	private Flux<Row> live(long scheduleId) {
		return this.db.sql("""
				SELECT r.id, r.user_id, r.state, r.amount, r.version, r.held_until, r.updated_at,
				       coalesce(array_agg(s.seat_id ORDER BY s.seat_id) FILTER (WHERE s.seat_id IS NOT NULL), '{}') AS seats,
				       (SELECT string_agg(i.inventory_id || ':' || i.quantity || ':' || i.price, ',' ORDER BY i.inventory_id)
				        FROM reservation_item i WHERE i.reservation_id = r.id) AS items,
				       -- money is recorded at once, events later: a payment may be newer than the row
				       (SELECT max(a.attempt) FROM payment_attempt a
				        WHERE a.reservation_id = r.id AND a.outcome = 'PAID'
				          AND NOT EXISTS (SELECT 1 FROM refund f WHERE f.reservation_id = r.id)) AS paid_attempt,
				       EXISTS (SELECT 1 FROM refund f WHERE f.reservation_id = r.id) AS refunded
				FROM reservation r LEFT JOIN reservation_seat s ON s.reservation_id = r.id
				WHERE r.schedule_id = :s AND r.state IN ('HELD', 'PAYING', 'CONFIRMED', 'CANCELLING')
				GROUP BY r.id
				""")
			.bind("s", scheduleId)
			.map(row -> {
				OffsetDateTime heldUntil = row.get("held_until", OffsetDateTime.class);
				return new Row(row.get("id", String.class), row.get("user_id", String.class),
						ReservationState.valueOf(row.get("state", String.class)), row.get("amount", Long.class),
						row.get("version", Long.class), heldUntil == null ? 0 : heldUntil.toInstant().toEpochMilli(),
						row.get("updated_at", OffsetDateTime.class).toInstant().toEpochMilli(),
						Arrays.asList(row.get("seats", Long[].class)), Reservation.Item.parse(row.get("items", String.class)),
						row.get("paid_attempt", Long.class),
						Boolean.TRUE.equals(row.get("refunded", Boolean.class)));
			})
			.all();
	}

	private Mono<Long> restore(long scheduleId, Row r) {
		ScheduleKeys s = ScheduleKeys.of(this.keyspace, scheduleId);
		ReservationKeys k = ReservationKeys.of(this.keyspace, scheduleId);
		String cancelling = CancellationKeys.of(this.keyspace, scheduleId).cancelling();
		List<String> keys = new ArrayList<>(List.of(k.reservation(r.id()), k.expiry(), k.userLive(r.user()), s.sold(),
				PaymentKeys.of(this.keyspace, scheduleId).paying(), cancelling));
		keys.addAll(ReservationHolds.of(this.keyspace, scheduleId, r.seats(), r.items()));
		// a HELD or PAYING reservation whose payment committed comes back as that attempt,
		// due at once, so the payment recovery job confirms it; an unpaid PAYING one as its own
		// attempt from when it began; either way its seats stay held until then
		boolean paid = r.paidAttempt() != null
				&& (r.state() == ReservationState.HELD || r.state() == ReservationState.PAYING);
		ReservationState state = paid ? ReservationState.PAYING : r.state();
		String attempt = paid ? String.valueOf(r.paidAttempt()) : String.valueOf(r.version());
		String payingSince = paid ? "0" : String.valueOf(r.updatedAt());
		List<String> args = new ArrayList<>(List.of(r.id(), String.valueOf(scheduleId), r.user(),
				String.join(",", r.seats().stream().map(String::valueOf).toList()), String.valueOf(r.amount()), state.name(),
				String.valueOf(r.version()), String.valueOf(r.heldUntil()), String.valueOf(r.updatedAt()), attempt,
				String.valueOf(2 * this.paymentWindow.toMillis()), payingSince, Reservation.Item.format(r.items())));
		r.seats().forEach(seat -> args.add(String.valueOf(seat)));
		Mono<Long> restored = this.restore.run(this.redis, keys, args)
			.map(reply -> reply.status(RestoreStatus.class) == RestoreStatus.RESTORED ? 1L : 0L);
		if (!(r.state() == ReservationState.CANCELLING && r.refunded())) {
			return restored;
		}
		// refunded already, so the worker finished its part and its CANCEL_REQUESTED is long
		// consumed: complete the cancellation here (seats back on sale, CANCELLED event)
		return restored.flatMap(count -> this.cancellations.completeRefunded(r.id()).thenReturn(count));
	}

	/** {@code restore_reservation.lua}'s statuses (both with the version Redis has now). */
	enum RestoreStatus {

		RESTORED, SKIPPED

	}

	private record Row(String id, String user, ReservationState state, long amount, long version, long heldUntil, long updatedAt,
			List<Long> seats, List<Reservation.Item> items, Long paidAttempt, boolean refunded) {
	}

}
