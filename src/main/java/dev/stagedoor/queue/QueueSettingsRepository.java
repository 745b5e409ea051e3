package dev.stagedoor.queue;

import java.time.Duration;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The durable copy of each concert's waiting-room settings (Redis holds the working copy). */
@Repository
class QueueSettingsRepository {

	private final DatabaseClient db;

	QueueSettingsRepository(DatabaseClient db) {
		this.db = db;
	}

	/** Saves the settings; empty when the concert does not exist. */
	Mono<QueueSettings> save(long concertId, QueueSettings settings) {
		return this.db.sql("""
				INSERT INTO queue_settings (concert_id, max_active, admit_per_second, active_ttl_seconds)
				SELECT id, :maxActive, :perSecond, :ttl FROM concert WHERE id = :concert
				ON CONFLICT (concert_id) DO UPDATE SET max_active = EXCLUDED.max_active,
				    admit_per_second = EXCLUDED.admit_per_second, active_ttl_seconds = EXCLUDED.active_ttl_seconds
				""")
			.bind("concert", concertId)
			.bind("maxActive", settings.maxActive())
			.bind("perSecond", settings.admitPerSecond())
			.bind("ttl", (int) settings.activeTtl().toSeconds())
			.fetch()
			.rowsUpdated()
			.filter(rows -> rows > 0)
			.map(rows -> settings);
	}

	/** Every concert with its settings (null settings: the defaults apply). */
	Flux<ConfiguredConcert> findAll() {
		return this.db.sql("""
				SELECT c.id, s.max_active, s.admit_per_second, s.active_ttl_seconds
				FROM concert c LEFT JOIN queue_settings s ON s.concert_id = c.id
				""").map(row -> {
			Integer maxActive = row.get("max_active", Integer.class);
			QueueSettings settings = maxActive == null ? null
					: new QueueSettings(maxActive, row.get("admit_per_second", Integer.class),
							Duration.ofSeconds(row.get("active_ttl_seconds", Integer.class)));
			return new ConfiguredConcert(row.get("id", Long.class), settings);
		}).all();
	}

	record ConfiguredConcert(long concertId, QueueSettings settings) {
	}

}
