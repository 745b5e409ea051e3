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
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.inventory.Inventories;
import dev.stagedoor.support.LuaScripts;

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

	private final RedisScript<List<Object>> restore = LuaScripts.load("restore_reservation");

	private final RedisScript<List<Object>> completeCancellation = LuaScripts.load("complete_cancellation");

	private final SeatCatalog catalog;

	private final Inventories inventories;

	private final DatabaseClient db;

	private final ReactiveStringRedisTemplate redis;

	private final Duration paymentWindow;

	ScheduleRecovery(SeatCatalog catalog, Inventories inventories, DatabaseClient db, ReactiveStringRedisTemplate redis,
			@Value("${stagedoor.payment.window:60s}") Duration paymentWindow) {
		this.catalog = catalog;
		this.inventories = inventories;
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
				       array_agg(s.seat_id ORDER BY s.seat_id) AS seats,
				       -- money is recorded at once, events later: a payment may be newer than the row
				       (SELECT max(a.attempt) FROM payment_attempt a
				        WHERE a.reservation_id = r.id AND a.outcome = 'PAID'
				          AND NOT EXISTS (SELECT 1 FROM refund f WHERE f.reservation_id = r.id)) AS paid_attempt,
				       EXISTS (SELECT 1 FROM refund f WHERE f.reservation_id = r.id) AS refunded
				FROM reservation r JOIN reservation_seat s ON s.reservation_id = r.id
				WHERE r.schedule_id = :s AND r.state IN ('HELD', 'PAYING', 'CONFIRMED', 'CANCELLING')
				GROUP BY r.id
				""")
			.bind("s", scheduleId)
			.map(row -> {
				OffsetDateTime heldUntil = row.get("held_until", OffsetDateTime.class);
				return new Row(row.get("id", String.class), row.get("user_id", String.class),
						row.get("state", String.class), row.get("amount", Long.class), row.get("version", Long.class),
						heldUntil == null ? 0 : heldUntil.toInstant().toEpochMilli(),
						row.get("updated_at", OffsetDateTime.class).toInstant().toEpochMilli(),
						Arrays.asList(row.get("seats", Long[].class)), row.get("paid_attempt", Long.class),
						Boolean.TRUE.equals(row.get("refunded", Boolean.class)));
			})
			.all();
	}

	private Mono<Long> restore(long scheduleId, Row r) {
		ScheduleKeys k = this.catalog.keys(scheduleId);
		List<String> keys = new ArrayList<>(List.of(k.reservation(r.id()), k.expiry(), k.userLive(r.user()), k.sold(),
				k.paying(), k.cancelling()));
		r.seats().forEach(seat -> keys.add(k.hold(seat)));
		// a HELD or PAYING reservation whose payment committed comes back as that attempt,
		// due at once, so the payment recovery job confirms it; an unpaid PAYING one as its own
		// attempt from when it began; either way its seats stay held until then
		boolean paid = r.paidAttempt() != null && (r.state().equals("HELD") || r.state().equals("PAYING"));
		String state = paid ? "PAYING" : r.state();
		String attempt = paid ? String.valueOf(r.paidAttempt()) : String.valueOf(r.version());
		String payingSince = paid ? "0" : String.valueOf(r.updatedAt());
		List<String> args = new ArrayList<>(List.of(r.id(), String.valueOf(scheduleId), r.user(),
				String.join(",", r.seats().stream().map(String::valueOf).toList()), String.valueOf(r.amount()), state,
				String.valueOf(r.version()), String.valueOf(r.heldUntil()), String.valueOf(r.updatedAt()), attempt,
				String.valueOf(2 * this.paymentWindow.toMillis()), payingSince));
		r.seats().forEach(seat -> args.add(String.valueOf(seat)));
		Mono<Long> restored = LuaScripts.run(this.redis, this.restore, keys, args)
			.map(reply -> Long.parseLong(reply.get(0)));
		if (!(r.state().equals("CANCELLING") && r.refunded())) {
			return restored;
		}
		// refunded already, so the worker finished its part and its CANCEL_REQUESTED is long
		// consumed: complete the cancellation here (seats back on sale, CANCELLED event)
		return restored.flatMap(count -> LuaScripts
			.run(this.redis, this.completeCancellation,
					List.of(k.reservation(r.id()), k.cancelling(), k.sold(), k.outbox(), k.userLive(r.user())), List.of())
			.doOnNext(reply -> {
				if ("CANCELLED".equals(reply.get(0))) {
					log.info("Cancelled: reservation {}, user {}, seats {} back on sale (completed by the rebuild)", r.id(),
							r.user(), r.seats());
				}
			})
			.then(this.db.sql("UPDATE cancellation SET completed_at = now() WHERE reservation_id = :r AND completed_at IS NULL")
				.bind("r", r.id())
				.fetch()
				.rowsUpdated())
			.thenReturn(count));
	}

	private record Row(String id, String user, String state, long amount, long version, long heldUntil, long updatedAt,
			List<Long> seats, Long paidAttempt, boolean refunded) {
	}

}
