package dev.stagedoor.persistence;

import java.time.OffsetDateTime;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.cancellation.RebuiltCancellations;
import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.inventory.Inventories;
import dev.stagedoor.payment.RestoredPayments;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.RestoredReservations;
import dev.stagedoor.reservation.RestoredWaitingList;

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

	private final SeatCatalog catalog;

	private final Inventories inventories;

	private final DatabaseClient db;

	private final ReactiveStringRedisTemplate redis;

	private final RestoredReservations reservations;

	private final RestoredPayments payments;

	private final RebuiltCancellations cancellations;

	private final WaitingListRecords waitingListRecords;

	private final RestoredWaitingList waitingList;

	ScheduleRecovery(SeatCatalog catalog, Inventories inventories, DatabaseClient db, ReactiveStringRedisTemplate redis,
			RestoredReservations reservations, RestoredPayments payments, RebuiltCancellations cancellations,
			WaitingListRecords waitingListRecords, RestoredWaitingList waitingList) {
		this.waitingListRecords = waitingListRecords;
		this.waitingList = waitingList;
		this.catalog = catalog;
		this.inventories = inventories;
		this.db = db;
		this.redis = redis;
		this.reservations = reservations;
		this.payments = payments;
		this.cancellations = cancellations;
	}

	/**
	 * Emits the number of reservations restored; empty if the schedule does not exist. Each
	 * feature restores its part: the catalog its seats, inventories their counts, payment
	 * decides which reservations come back PAYING, reservation puts them back (one script
	 * each), cancellation completes the refunded CANCELLING ones.
	 */
	Mono<Long> rebuild(long scheduleId) {
		return this.catalog.schedule(scheduleId)
			.flatMap(this.catalog::publish)
			.flatMap(schedule -> this.inventories.publishAll(scheduleId).thenReturn(schedule))
			.flatMap(schedule -> this.waitingListRecords.waiting(scheduleId)
				.collectList()
				.flatMap(entries -> this.waitingList.restore(schedule, entries))
				.thenReturn(schedule))
			.flatMap(schedule -> live(scheduleId).collectList())
			.flatMap(this.payments::settle)
			.flatMap(records -> Flux.fromIterable(records)
				.concatMap(r -> this.reservations.restore(r)
					.flatMap(status -> this.cancellations.restored(r)
						.thenReturn(status == RestoredReservations.Status.RESTORED ? 1L : 0L)))
				.reduce(0L, Long::sum));
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

	/** The schedule's reservations in a non-final state, as this feature's tables recorded them. */
	private Flux<RestoredReservations.Record> live(long scheduleId) {
		return this.db.sql("""
				SELECT r.id, r.user_id, r.state, r.amount, r.version, r.held_until, r.updated_at, r.offer,
				       coalesce(array_agg(s.seat_id ORDER BY s.seat_id) FILTER (WHERE s.seat_id IS NOT NULL), '{}') AS seats,
				       (SELECT string_agg(i.inventory_id || ':' || i.quantity || ':' || i.price, ',' ORDER BY i.inventory_id)
				        FROM reservation_item i WHERE i.reservation_id = r.id) AS items
				FROM reservation r LEFT JOIN reservation_seat s ON s.reservation_id = r.id
				WHERE r.schedule_id = :s AND r.state IN ('HELD', 'PAYING', 'CONFIRMED', 'CANCELLING')
				GROUP BY r.id
				""")
			.bind("s", scheduleId)
			.map(row -> {
				OffsetDateTime heldUntil = row.get("held_until", OffsetDateTime.class);
				return new RestoredReservations.Record(row.get("id", String.class), scheduleId,
						row.get("user_id", String.class), ReservationState.valueOf(row.get("state", String.class)),
						row.get("amount", Long.class), row.get("version", Long.class),
						heldUntil == null ? 0 : heldUntil.toInstant().toEpochMilli(),
						row.get("updated_at", OffsetDateTime.class).toInstant().toEpochMilli(),
						Arrays.asList(row.get("seats", Long[].class)), Reservation.Item.parse(row.get("items", String.class)),
						null, Boolean.TRUE.equals(row.get("offer", Boolean.class)));
			})
			.all();
	}

}
