package dev.stagedoor.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.catalog.SeatView.SeatStatus;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * publish_schedule.lua and seat_statuses.lua driven straight against Redis (no HTTP, no
 * Spring context), through {@link SeatCatalog} and {@link SeatMap}.
 */
class CatalogScriptsTests {

	static ScriptRedis redis;

	static SeatCatalog catalog;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(CatalogScriptsTests.class);
		// publishing never reads PostgreSQL: no repository needed
		catalog = new SeatCatalog(null, redis.template(), redis.keyspace());
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void publishingPutsTheCatalogAndTheFactsOnSaleIdempotently() {
		Schedule schedule = schedule(1, Instant.ofEpochMilli(1_700_000_000_000L));
		assertThat(catalog.publish(schedule).block()).isEqualTo(schedule);
		assertThat(catalog.publish(schedule).block()).isEqualTo(schedule);
		ScheduleKeys keys = ScheduleKeys.of(redis.keyspace(), 1);
		assertThat(entries(keys.seats())).containsExactlyInAnyOrderEntriesOf(Map.of("11", "120", "12", "80", "13", "80"));
		assertThat(entries(keys.meta())).containsEntry("concertId", "9").containsEntry("cancelDeadline", "1700000000000");
		assertThat(catalog.knownScheduleIds()).contains(1L);
	}

	@Test
	void seatStatusesTellAvailableHeldAndSold() {
		Schedule schedule = schedule(2, null);
		catalog.publish(schedule).block();
		ScheduleKeys keys = ScheduleKeys.of(redis.keyspace(), 2);
		assertThat(entries(keys.meta())).containsEntry("cancelDeadline", "");
		redis.template().opsForValue().set(keys.hold(12), "2-someone").block();
		redis.template().opsForHash().put(keys.sold(), "13", "2-buyer").block();
		List<SeatView> seats = new SeatMap(catalog, redis.template(), JsonMapper.builder().build()).seats(2).block();
		assertThat(seats).extracting(SeatView::id, SeatView::status)
			.containsExactly(tuple(11L, SeatStatus.AVAILABLE), tuple(12L, SeatStatus.HELD), tuple(13L, SeatStatus.SOLD));
	}

	private static Schedule schedule(long id, Instant cancelDeadline) {
		return new Schedule(id, 9, Instant.now().plusSeconds(86_400), cancelDeadline,
				List.of(new Seat(11, "FLOOR", 1, 1, "F1-1", 120), new Seat(12, "BALCONY", 1, 1, "B1-1", 80),
						new Seat(13, "BALCONY", 1, 2, "B1-2", 80)));
	}

	private static Map<Object, Object> entries(String key) {
		return redis.template().opsForHash().entries(key).collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
	}

}
