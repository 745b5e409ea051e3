package dev.stagedoor.reservation;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.stagedoor.reservation.ReservationScripts.Hold;
import dev.stagedoor.reservation.HoldCall.Units;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;

/** The hold and expiry scripts with units of a quantity inventory, straight against Redis, with no reaper running. */
class UnitScriptsTests {

	static ScriptRedis redis;

	static ReservationScripts scripts;

	static HeldReservations held;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(UnitScriptsTests.class);
		scripts = new ReservationScripts(redis.template(), redis.keyspace());
		held = new HeldReservations(redis);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void unitsComeBackAtTheDeadlineWithoutAReaperAndExpireOnce() {
		long schedule = held.newSchedule();
		long inventory = onSale(schedule, 7, 25, 10);
		String early = ReservationIds.next(schedule);
		Hold first = scripts.hold(schedule, early, "early", List.of(),
				List.of(new Units(inventory, 5)), 400, 4).block();
		assertThat(first.status()).isEqualTo(Hold.Status.HELD);
		assertThat(first.amount()).isEqualTo(5 * 25);
		assertThat(scripts.hold(schedule, ReservationIds.next(schedule), "late", List.of(),
				List.of(new Units(inventory, 7)), 60_000, 4).block().status())
			.isEqualTo(Hold.Status.INVENTORY_UNAVAILABLE);

		redis.awaitPast(first.heldUntil());
		// nobody marked the first hold EXPIRED: its units' deadline alone gave them back
		Hold late = scripts.hold(schedule, ReservationIds.next(schedule), "late", List.of(),
				List.of(new Units(inventory, 7)), 60_000, 4).block();
		assertThat(late.status()).isEqualTo(Hold.Status.HELD);
		assertThat(counts(schedule, inventory)).containsEntry("held", "7").containsEntry("sold", "0");

		assertThat(scripts.expireDue(schedule, System.currentTimeMillis(), 10).block()).isEqualTo(1);
		assertThat(scripts.expireDue(schedule, System.currentTimeMillis(), 10).block()).isZero();
		List<Map<String, String>> events = held.events(schedule);
		assertThat(events).filteredOn(e -> e.get("type").equals("EXPIRED")).singleElement().satisfies(e -> {
			assertThat(e.get("reservationId")).isEqualTo(early);
			assertThat(e.get("items")).isEqualTo(inventory + ":5:25");
		});
		assertThat(counts(schedule, inventory)).as("expiring the first hold gave nothing back twice")
			.containsEntry("held", "7");
	}

	@Test
	void aHeldEventNamesItsItemsAndASeatOnlyEventHasNone() {
		long schedule = held.newSchedule();
		long inventory = onSale(schedule, 10, 3, 10);
		scripts.hold(schedule, ReservationIds.next(schedule), "both", List.of(2L), List.of(new Units(inventory, 2)),
				60_000, 4).block();
		scripts.hold(schedule, ReservationIds.next(schedule), "seats", List.of(3L), 60_000, 4).block();
		List<Map<String, String>> events = held.events(schedule);
		assertThat(events.get(0)).containsEntry("items", inventory + ":2:3").containsEntry("amount", "106");
		assertThat(events.get(1)).doesNotContainKey("items");
	}

	private static long onSale(long schedule, int quantity, long price, int maxPerUser) {
		return held.inventoryOnSale(schedule, quantity, price, maxPerUser);
	}

	private static Map<Object, Object> counts(long schedule, long inventory) {
		return held.inventoryCounts(schedule, inventory);
	}

}
