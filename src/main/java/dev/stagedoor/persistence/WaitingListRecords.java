package dev.stagedoor.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.events.EventType;
import dev.stagedoor.events.ReservationEvent;
import dev.stagedoor.reservation.RestoredWaitingList;

/**
 * Applies waiting-list events to {@code waiting_list_entry}, in event order, idempotently:
 * a join inserts its row once (by schedule and join number), a leave sets {@code left_at} once
 * (and records the row if its join never arrived), so a redelivery or a replay changes nothing.
 */
@Repository
class WaitingListRecords {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	WaitingListRecords(DatabaseClient db, TransactionalOperator tx) {
		this.db = db;
		this.tx = tx;
	}

	Mono<Void> applyAll(List<ReservationEvent> events) {
		if (events.isEmpty()) {
			return Mono.empty();
		}
		return Flux.fromIterable(events).concatMap(this::apply).then().as(this.tx::transactional);
	}

	private Mono<Long> apply(ReservationEvent event) {
		String[] waiting = event.waiting().split(":", 2);
		long number = Long.parseLong(waiting[0]);
		String request = waiting[1];
		OffsetDateTime at = OffsetDateTime.ofInstant(Instant.ofEpochMilli(event.at()), ZoneOffset.UTC);
		String sql = event.is(EventType.WAITING_JOINED) ? """
				INSERT INTO waiting_list_entry (schedule_id, join_number, user_id, request, joined_at)
				VALUES (:s, :n, :u, :r, :at) ON CONFLICT DO NOTHING
				""" : """
				INSERT INTO waiting_list_entry (schedule_id, join_number, user_id, request, joined_at, left_at)
				VALUES (:s, :n, :u, :r, :at, :at)
				ON CONFLICT (schedule_id, join_number) DO UPDATE SET left_at = EXCLUDED.left_at
				WHERE waiting_list_entry.left_at IS NULL
				""";
		return this.db.sql(sql)
			.bind("s", event.scheduleId())
			.bind("n", number)
			.bind("u", event.userId())
			.bind("r", request)
			.bind("at", at)
			.fetch()
			.rowsUpdated();
	}

	/** The schedule's line as recorded: the fans still waiting, in join order. */
	Flux<RestoredWaitingList.Entry> waiting(long scheduleId) {
		return this.db.sql("""
				SELECT join_number, user_id, request, joined_at FROM waiting_list_entry
				WHERE schedule_id = :s AND left_at IS NULL ORDER BY join_number
				""")
			.bind("s", scheduleId)
			.map(row -> new RestoredWaitingList.Entry(row.get("join_number", Long.class), row.get("user_id", String.class),
					row.get("request", String.class), row.get("joined_at", OffsetDateTime.class).toInstant().toEpochMilli()))
			.all();
	}

}
