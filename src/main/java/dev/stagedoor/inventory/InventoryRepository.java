package dev.stagedoor.inventory;

import java.time.Clock;
import java.time.OffsetDateTime;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Repository
class InventoryRepository {

	private static final String COLUMNS = "id, schedule_id, name, quantity, price, max_per_user";

	private final DatabaseClient db;

	private final Clock clock;

	InventoryRepository(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	/** The new inventory; empty when the schedule does not exist. A taken name fails with DuplicateKeyException. */
	Mono<Inventory> insert(long scheduleId, String name, int quantity, long price, int maxPerUser) {
		return this.db.sql("""
				INSERT INTO inventory (schedule_id, name, quantity, price, max_per_user, created_at)
				SELECT id, :name, :quantity, :price, :max, :now FROM schedule WHERE id = :schedule
				RETURNING %s
				""".formatted(COLUMNS))
			.bind("schedule", scheduleId)
			.bind("name", name)
			.bind("quantity", quantity)
			.bind("price", price)
			.bind("max", maxPerUser)
			.bind("now", OffsetDateTime.now(this.clock))
			.map(InventoryRepository::inventory)
			.one();
	}

	Flux<Inventory> ofSchedule(long scheduleId) {
		return this.db.sql("SELECT " + COLUMNS + " FROM inventory WHERE schedule_id = :s ORDER BY id")
			.bind("s", scheduleId)
			.map(InventoryRepository::inventory)
			.all();
	}

	private static Inventory inventory(Readable row) {
		return new Inventory(row.get("id", Long.class), row.get("schedule_id", Long.class), row.get("name", String.class),
				row.get("quantity", Integer.class), row.get("price", Long.class), row.get("max_per_user", Integer.class));
	}

}
