package dev.stagedoor.concert;

import java.time.Clock;
import java.time.OffsetDateTime;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
class ConcertRepository {

	private final DatabaseClient db;

	private final Clock clock;

	ConcertRepository(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	Mono<Concert> insert(String title, String venue) {
		return this.db.sql("INSERT INTO concert (title, venue, created_at) VALUES (:title, :venue, :now) RETURNING id")
			.bind("title", title)
			.bind("venue", venue)
			.bind("now", OffsetDateTime.now(this.clock))
			.map(row -> new Concert(row.get("id", Long.class), title, venue))
			.one();
	}

	Mono<Concert> findById(long id) {
		return this.db.sql("SELECT id, title, venue FROM concert WHERE id = :id")
			.bind("id", id)
			.map(row -> new Concert(row.get("id", Long.class), row.get("title", String.class),
					row.get("venue", String.class)))
			.one();
	}

	Flux<Concert> findAll() {
		return this.db.sql("SELECT id, title, venue FROM concert ORDER BY id")
			.map(row -> new Concert(row.get("id", Long.class), row.get("title", String.class),
					row.get("venue", String.class)))
			.all();
	}

}
