package dev.stagedoor.persistence;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.events.ReservationEvent;
import dev.stagedoor.reservation.Reservation;

/**
 * Applies reservation events to PostgreSQL, a batch in one transaction: each event is
 * recorded once (its id is the key; a duplicate changes nothing), and a reservation row
 * moves to an event's state only if the event's version is newer (an older event never
 * overwrites a newer state, whatever the delivery order or batching).
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

	/**
	 * Applies a batch of events in one transaction with three statements whatever its size:
	 * the new events are recorded, each reservation moves to its newest state in the batch
	 * (if that is newer than the stored one), and its seats are recorded. Emits how many
	 * events were new. Rows are written in id order, so concurrent batches cannot deadlock.
	 */
	Mono<Long> applyAll(List<ReservationEvent> events) {
		if (events.isEmpty()) {
			return Mono.just(0L);
		}
		List<ReservationEvent> byId = events.stream()
			.collect(Collectors.toMap(ReservationEvent::eventId, Function.identity(), (a, b) -> a, TreeMap::new))
			.values()
			.stream()
			.toList();
		List<ReservationEvent> newest = events.stream()
			.collect(Collectors.toMap(ReservationEvent::reservationId, Function.identity(),
					(a, b) -> a.version() >= b.version() ? a : b, TreeMap::new))
			.values()
			.stream()
			.toList();
		Mono<Long> recorded = this.db.sql("""
				INSERT INTO reservation_event (event_id, reservation_id, type, state, version, occurred_at, recorded_at)
				SELECT e.id, e.reservation, e.type, e.state, e.version, to_timestamp(e.at / 1000.0), :now
				FROM unnest(:ids::varchar[], :reservations::varchar[], :types::varchar[], :states::varchar[],
				            :versions::bigint[], :ats::bigint[]) AS e(id, reservation, type, state, version, at)
				ON CONFLICT (event_id) DO NOTHING
				""")
			.bind("ids", column(byId, ReservationEvent::eventId, String[]::new))
			.bind("reservations", column(byId, ReservationEvent::reservationId, String[]::new))
			.bind("types", column(byId, ReservationEvent::type, String[]::new))
			.bind("states", column(byId, ReservationEvent::state, String[]::new))
			.bind("versions", column(byId, ReservationEvent::version, Long[]::new))
			.bind("ats", column(byId, ReservationEvent::at, Long[]::new))
			.bind("now", OffsetDateTime.now(this.clock))
			.fetch()
			.rowsUpdated();
		Mono<Long> reservations = this.db.sql("""
				INSERT INTO reservation (id, schedule_id, user_id, state, amount, version, updated_at, held_until, offer)
				SELECT r.id, r.schedule, r.usr, r.state, r.amount, r.version, to_timestamp(r.at / 1000.0),
				       to_timestamp(r.held / 1000.0), r.offer
				FROM unnest(:ids::varchar[], :schedules::bigint[], :users::varchar[], :states::varchar[],
				            :amounts::bigint[], :versions::bigint[], :ats::bigint[], :helds::bigint[], :offers::boolean[])
				     AS r(id, schedule, usr, state, amount, version, at, held, offer)
				ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, version = EXCLUDED.version,
				    updated_at = EXCLUDED.updated_at, held_until = COALESCE(EXCLUDED.held_until, reservation.held_until),
				    offer = reservation.offer OR EXCLUDED.offer
				WHERE reservation.version < EXCLUDED.version
				""")
			.bind("ids", column(newest, ReservationEvent::reservationId, String[]::new))
			.bind("schedules", column(newest, ReservationEvent::scheduleId, Long[]::new))
			.bind("users", column(newest, ReservationEvent::userId, String[]::new))
			.bind("states", column(newest, ReservationEvent::state, String[]::new))
			.bind("amounts", column(newest, ReservationEvent::amount, Long[]::new))
			.bind("versions", column(newest, ReservationEvent::version, Long[]::new))
			.bind("ats", column(newest, ReservationEvent::at, Long[]::new))
			.bind("helds", column(newest, ReservationEvent::heldUntil, Long[]::new))
			.bind("offers", column(newest, ReservationEvent::offer, Boolean[]::new))
			.fetch()
			.rowsUpdated();
		SortedSet<ReservedSeat> pairs = new TreeSet<>(
				Comparator.comparing(ReservedSeat::reservationId).thenComparingLong(ReservedSeat::seatId));
		events.forEach(event -> Reservation.parseSeatIds(event.seatIds())
			.forEach(seat -> pairs.add(new ReservedSeat(event.reservationId(), seat))));
		String[] seatReservations = pairs.stream().map(ReservedSeat::reservationId).toArray(String[]::new);
		Long[] seatIds = pairs.stream().map(ReservedSeat::seatId).toArray(Long[]::new);
		Mono<Long> seats = this.db.sql("""
				INSERT INTO reservation_seat (reservation_id, seat_id)
				SELECT * FROM unnest(:reservations::varchar[], :seats::bigint[]) ON CONFLICT DO NOTHING
				""").bind("reservations", seatReservations).bind("seats", seatIds).fetch().rowsUpdated();
		return recorded.flatMap(count -> reservations.then(seats).then(items(events)).thenReturn(count))
			.as(this.tx::transactional);
	}

	/** The items of each reservation, once (the first event of a reservation in the batch names them). */
	private Mono<Long> items(List<ReservationEvent> events) {
		Map<String, List<Reservation.Item>> byReservation = new TreeMap<>();
		events.forEach(event -> byReservation.putIfAbsent(event.reservationId(), Reservation.Item.parse(event.items())));
		List<String> reservations = new ArrayList<>();
		List<Long> inventories = new ArrayList<>();
		List<Integer> quantities = new ArrayList<>();
		List<Long> prices = new ArrayList<>();
		byReservation.forEach((reservation, items) -> items.forEach(item -> {
			reservations.add(reservation);
			inventories.add(item.inventoryId());
			quantities.add(item.quantity());
			prices.add(item.price());
		}));
		if (reservations.isEmpty()) {
			return Mono.just(0L);
		}
		return this.db.sql("""
				INSERT INTO reservation_item (reservation_id, inventory_id, quantity, price)
				SELECT * FROM unnest(:reservations::varchar[], :inventories::bigint[], :quantities::int[], :prices::bigint[])
				ON CONFLICT DO NOTHING
				""")
			.bind("reservations", reservations.toArray(String[]::new))
			.bind("inventories", inventories.toArray(Long[]::new))
			.bind("quantities", quantities.toArray(Integer[]::new))
			.bind("prices", prices.toArray(Long[]::new))
			.fetch()
			.rowsUpdated();
	}

	private static <T> T[] column(List<ReservationEvent> events, Function<ReservationEvent, ? extends T> field,
			IntFunction<T[]> array) {
		return events.stream().map(field).toArray(array);
	}

	Flux<PersistedReservation> findByUser(String userId) {
		return this.db.sql("""
				SELECT r.id, r.schedule_id, r.user_id, r.state, r.amount, r.version, r.updated_at,
				       coalesce(array_agg(s.seat_id ORDER BY s.seat_id) FILTER (WHERE s.seat_id IS NOT NULL), '{}') AS seats,
				       (SELECT string_agg(i.inventory_id || ':' || i.quantity || ':' || i.price, ',' ORDER BY i.inventory_id)
				        FROM reservation_item i WHERE i.reservation_id = r.id) AS items
				FROM reservation r LEFT JOIN reservation_seat s ON s.reservation_id = r.id
				WHERE r.user_id = :user
				GROUP BY r.id ORDER BY r.updated_at DESC, r.id
				""")
			.bind("user", userId)
			.map(row -> new PersistedReservation(row.get("id", String.class), row.get("schedule_id", Long.class),
					row.get("user_id", String.class), Arrays.asList(row.get("seats", Long[].class)),
					Reservation.Item.parse(row.get("items", String.class)),
					row.get("state", String.class), row.get("amount", Long.class), row.get("version", Long.class),
					row.get("updated_at", OffsetDateTime.class).toInstant()))
			.all();
	}

	private record ReservedSeat(String reservationId, long seatId) {
	}

}
