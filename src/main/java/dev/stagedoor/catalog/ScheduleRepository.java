package dev.stagedoor.catalog;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
public class ScheduleRepository {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Clock clock;

	ScheduleRepository(DatabaseClient db, TransactionalOperator tx, Clock clock) {
		this.db = db;
		this.tx = tx;
		this.clock = clock;
	}

	/** The schedule and all its seats in one transaction; empty when the concert does not exist. */
	Mono<Schedule> insert(long concertId, Instant startsAt, Instant cancelDeadline, List<NewSection> sections) {
		DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
				INSERT INTO schedule (concert_id, starts_at, cancel_deadline, created_at)
				SELECT id, :startsAt, :deadline, :now FROM concert WHERE id = :concert RETURNING id
				""")
			.bind("concert", concertId)
			.bind("startsAt", utc(startsAt))
			.bind("now", OffsetDateTime.now(this.clock));
		insert = cancelDeadline == null ? insert.bindNull("deadline", OffsetDateTime.class)
				: insert.bind("deadline", utc(cancelDeadline));
		Mono<Schedule> work = insert
			.map(row -> row.get("id", Long.class))
			.one()
			.flatMap(id -> Flux.fromIterable(sections)
				.concatMap(section -> insertSeats(id, section))
				.then(findById(id)));
		return work.as(this.tx::transactional);
	}

	private Mono<Long> insertSeats(long scheduleId, NewSection section) {
		return this.db.sql("""
				INSERT INTO seat (schedule_id, section, row_no, number, label, price)
				SELECT :schedule, :section, r, n, :section || '-' || r || '-' || n, :price
				FROM generate_series(1, :rows) r, generate_series(1, :perRow) n
				ORDER BY r, n
				""")
			.bind("schedule", scheduleId)
			.bind("section", section.name())
			.bind("rows", section.rows())
			.bind("perRow", section.seatsPerRow())
			.bind("price", section.price())
			.fetch()
			.rowsUpdated();
	}

	Mono<Schedule> findById(long id) {
		return this.db.sql("SELECT id, concert_id, starts_at, cancel_deadline FROM schedule WHERE id = :id")
			.bind("id", id)
			.map(row -> new Object[] { row.get("concert_id", Long.class), row.get("starts_at", OffsetDateTime.class),
					row.get("cancel_deadline", OffsetDateTime.class) })
			.one()
			.flatMap(r -> seats(id).collectList()
				.map(seats -> new Schedule(id, (Long) r[0], ((OffsetDateTime) r[1]).toInstant(),
						r[2] == null ? null : ((OffsetDateTime) r[2]).toInstant(), seats)));
	}

	Mono<Boolean> concertExists(long concertId) {
		return this.db.sql("SELECT EXISTS (SELECT 1 FROM concert WHERE id = :concert) AS found")
			.bind("concert", concertId)
			.map(row -> row.get("found", Boolean.class))
			.one();
	}

	public Flux<Long> idsOfConcert(long concertId) {
		return this.db.sql("SELECT id FROM schedule WHERE concert_id = :concert ORDER BY starts_at, id")
			.bind("concert", concertId)
			.map(row -> row.get("id", Long.class))
			.all();
	}

	Flux<Long> allIds() {
		return this.db.sql("SELECT id FROM schedule ORDER BY id").map(row -> row.get("id", Long.class)).all();
	}

	private Flux<Seat> seats(long scheduleId) {
		return this.db.sql("SELECT id, section, row_no, number, label, price FROM seat WHERE schedule_id = :s ORDER BY id")
			.bind("s", scheduleId)
			.map(row -> new Seat(row.get("id", Long.class), row.get("section", String.class),
					row.get("row_no", Integer.class), row.get("number", Integer.class), row.get("label", String.class),
					row.get("price", Long.class)))
			.all();
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	record NewSection(String name, int rows, int seatsPerRow, long price) {
	}

}
