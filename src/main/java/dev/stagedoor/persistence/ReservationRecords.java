package dev.stagedoor.persistence;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.events.ReservationEvent;

/**
 * Applies reservation events to PostgreSQL, each in one transaction: the event is recorded
 * once (its id is the key; a duplicate changes nothing), and the reservation row moves to
 * the event's state only if the event's version is newer (an older event never overwrites
 * a newer state, whatever the delivery order).
 */
@Repository
class ReservationRecords {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Clock clock;

	ReservationRecords(DatabaseClient db, TransactionalOperator tx, Clock clock) {
		this.db = db;
		this.tx = tx;
		this.clock = clock;
	}

	/** Emits true if the event was new, false for a duplicate. */
	Mono<Boolean> apply(ReservationEvent event) {
		OffsetDateTime occurred = Instant.ofEpochMilli(event.at()).atOffset(ZoneOffset.UTC);
		Mono<Boolean> work = this.db.sql("""
				INSERT INTO reservation_event (event_id, reservation_id, type, state, version, occurred_at, recorded_at)
				VALUES (:id, :reservation, :type, :state, :version, :occurred, :now)
				ON CONFLICT (event_id) DO NOTHING
				""")
			.bind("id", event.eventId())
			.bind("reservation", event.reservationId())
			.bind("type", event.type())
			.bind("state", event.state())
			.bind("version", event.version())
			.bind("occurred", occurred)
			.bind("now", OffsetDateTime.now(this.clock))
			.fetch()
			.rowsUpdated()
			.flatMap(inserted -> inserted == 0 ? Mono.just(false) : upsert(event, occurred).thenReturn(true));
		return work.as(this.tx::transactional);
	}

	private Mono<Void> upsert(ReservationEvent event, OffsetDateTime occurred) {
		DatabaseClient.GenericExecuteSpec reservationSpec = this.db.sql("""
				INSERT INTO reservation (id, schedule_id, user_id, state, amount, version, updated_at, held_until)
				VALUES (:id, :schedule, :user, :state, :amount, :version, :at, :heldUntil)
				ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, version = EXCLUDED.version,
				    updated_at = EXCLUDED.updated_at, held_until = COALESCE(EXCLUDED.held_until, reservation.held_until)
				WHERE reservation.version < EXCLUDED.version
				""")
			.bind("id", event.reservationId())
			.bind("schedule", event.scheduleId())
			.bind("user", event.userId())
			.bind("state", event.state())
			.bind("amount", event.amount())
			.bind("version", event.version())
			.bind("at", occurred);
		reservationSpec = event.heldUntil() == null ? reservationSpec.bindNull("heldUntil", OffsetDateTime.class)
				: reservationSpec.bind("heldUntil", Instant.ofEpochMilli(event.heldUntil()).atOffset(ZoneOffset.UTC));
		Mono<Long> reservation = reservationSpec.fetch().rowsUpdated();
		Long[] seatIds = Arrays.stream(event.seatIds().split(",")).map(Long::valueOf).toArray(Long[]::new);
		Mono<Long> seats = this.db.sql("""
				INSERT INTO reservation_seat (reservation_id, seat_id)
				SELECT :r, unnest(:seats) ON CONFLICT DO NOTHING
				""").bind("r", event.reservationId()).bind("seats", seatIds).fetch().rowsUpdated();
		return reservation.then(seats).then();
	}

	Flux<PersistedReservation> findByUser(String userId) {
		return this.db.sql("""
				SELECT r.id, r.schedule_id, r.user_id, r.state, r.amount, r.version, r.updated_at,
				       array_agg(s.seat_id ORDER BY s.seat_id) AS seats
				FROM reservation r JOIN reservation_seat s ON s.reservation_id = r.id
				WHERE r.user_id = :user
				GROUP BY r.id ORDER BY r.updated_at DESC, r.id
				""")
			.bind("user", userId)
			.map(row -> new PersistedReservation(row.get("id", String.class), row.get("schedule_id", Long.class),
					row.get("user_id", String.class), Arrays.asList(row.get("seats", Long[].class)),
					row.get("state", String.class), row.get("amount", Long.class), row.get("version", Long.class),
					row.get("updated_at", OffsetDateTime.class).toInstant()))
			.all();
	}

}
