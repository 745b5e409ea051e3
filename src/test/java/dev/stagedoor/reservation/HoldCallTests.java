package dev.stagedoor.reservation;

import java.util.List;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.events.OutboxKeys;
import dev.stagedoor.inventory.InventoryKeys;
import dev.stagedoor.support.LuaScripts;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HoldCall} against the KEYS/ARGV layout {@code hold_seats.lua} documents at its top:
 * every position, in order, with the seats' and the items' variable parts; and that the
 * script still documents the layout these tests expect.
 */
class HoldCallTests {

	private static final RedisKeyspace KEYSPACE = new RedisKeyspace("t:");

	@Test
	void keysFollowTheScriptsLayoutSeatsThenItemsInOrder() {
		HoldCall call = new HoldCall(42, "42-abc", "fan-1", List.of(7L, 3L),
				List.of(new HoldCall.Units(11, 2), new HoldCall.Units(5, 1)), 300_000, 4, 3, 1_800_000,
				"60000:4:t:{s:42}");
		assertThat(call.keys(KEYSPACE)).containsExactly(
				// 1 seats, 2 sold, 3 expiry, 4 outbox stream
				"t:{s:42}:seats", "t:{s:42}:sold", "t:{s:42}:expiry", "t:{s:42}:outbox",
				// 5 the new reservation's hash, 6 the user's live reservations, 7 the user's lapses
				"t:{s:42}:r:42-abc", "t:{s:42}:u:fan-1", "t:{s:42}:lapses:fan-1",
				// 8.. one hold key per seat in ARGV order
				"t:{s:42}:hold:7", "t:{s:42}:hold:3",
				// then per item its inventory's hash and holds zset
				"t:{s:42}:inv:11", "t:{s:42}:invh:11", "t:{s:42}:inv:5", "t:{s:42}:invh:5");
	}

	@Test
	void keysAreTheOnesTheFeaturesKeyBuildersName() {
		HoldCall call = HoldCall.of(9, "9-x", "u", List.of(1L), List.of(new HoldCall.Units(2, 3)), 1000, 4);
		ReservationKeys r = ReservationKeys.of(KEYSPACE, 9);
		ScheduleKeys s = ScheduleKeys.of(KEYSPACE, 9);
		InventoryKeys i = InventoryKeys.of(KEYSPACE, 9);
		assertThat(call.keys(KEYSPACE)).containsExactly(s.seats(), s.sold(), r.expiry(),
				OutboxKeys.of(KEYSPACE, 9).outbox(), r.reservation("9-x"), r.userLive("u"),
				r.lapses("u"), s.hold(1), i.inventory(2), i.holds(2));
	}

	@Test
	void argsFollowTheScriptsLayoutWithTheSeatIdsLast() {
		HoldCall call = new HoldCall(42, "42-abc", "fan-1", List.of(7L, 3L),
				List.of(new HoldCall.Units(11, 2), new HoldCall.Units(5, 1)), 300_000, 4, 3, 1_800_000,
				"60000:4:t:{s:42}");
		assertThat(call.args()).containsExactly(
				// 1 user, 2 reservation id, 3 schedule id, 4 hold TTL ms, 5 max seats per user
				"fan-1", "42-abc", "42", "300000", "4",
				// 6 items "inventoryId:units,...", 7 max lapsed holds, 8 lapse window ms
				"11:2,5:1", "3", "1800000",
				// 9 waiting-list context, 10.. seat ids
				"60000:4:t:{s:42}", "7", "3");
	}

	@Test
	void aPlainHoldHasNoItemsNoCooldownAndNoOffers() {
		HoldCall call = HoldCall.of(5, "5-y", "fan", List.of(12L), List.of(), 60_000, 2);
		assertThat(call.args()).containsExactly("fan", "5-y", "5", "60000", "2", "", "0", "0", "", "12");
		assertThat(call.keys(KEYSPACE)).hasSize(8).last().isEqualTo("t:{s:5}:hold:12");
		// items only: no seat ids after the context, no seat hold keys
		HoldCall units = HoldCall.of(5, "5-z", "fan", List.of(), List.of(new HoldCall.Units(8, 1)), 60_000, 2);
		assertThat(units.args()).hasSize(9).endsWith("8:1", "0", "0", "");
		assertThat(units.keys(KEYSPACE)).hasSize(9).endsWith("t:{s:5}:inv:8", "t:{s:5}:invh:8");
	}

	@Test
	void everyKeyOfOneCallLandsInTheSchedulesSlotWhateverTheUserIdHolds() {
		for (String user : List.of("fan", "{weird}user", "{s:1}", "}{")) {
			HoldCall call = HoldCall.of(42, ReservationIds.next(42), user, List.of(1L, 2L),
					List.of(new HoldCall.Units(3, 1)), 1000, 4);
			int slot = SlotHash.getSlot(KEYSPACE.schedule(42));
			assertThat(call.keys(KEYSPACE)).allSatisfy(key -> assertThat(SlotHash.getSlot(key)).as(key).isEqualTo(slot));
		}
	}

	@Test
	void theScriptDocumentsTheLayoutTheseTestsCheck() {
		String source = LuaScripts.source(HoldCall.SCRIPT);
		assertThat(source).contains("-- KEYS: 1 seats (catalog: seat id -> price), 2 sold (seat id -> reservation id),")
			.contains("--       3 expiry (zset \"reservationId|user\" -> held-until ms), 4 outbox stream,")
			.contains("--       5 the new reservation's hash, 6 the user's live reservations")
			.contains("--       7 the user's lapses")
			.contains("--       8.. one hold key per seat, in ARGV order, then per item: the inventory's hash and")
			.contains("--       its holds zset")
			.contains("-- ARGV: 1 user, 2 reservation id, 3 schedule id, 4 hold TTL ms, 5 max seats per user,")
			.contains("--       6 items \"inventoryId:units,...\" ('' for none; one entry per inventory),")
			.contains("--       7 max lapsed holds (0 = no cooldown), 8 lapse window ms,")
			.contains("--       9 waiting-list context (\"offerTtlMs:maxSeats:root\", '' = no offers), 10.. seat ids");
	}

}
