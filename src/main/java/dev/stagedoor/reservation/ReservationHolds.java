package dev.stagedoor.reservation;

import java.util.ArrayList;
import java.util.List;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.inventory.InventoryKeys;
import dev.stagedoor.support.RedisKeyspace;

/**
 * The keys of what a reservation holds, in the order every reservation script reads them
 * after its fixed keys (lib/reservation.lua {@code held_keys}): one hold key per seat in
 * {@code seatIds} order, then per item its inventory's hash and holds zset.
 */
public final class ReservationHolds {

	private ReservationHolds() {
	}

	public static List<String> of(RedisKeyspace keyspace, long scheduleId, List<Long> seatIds,
			List<Reservation.Item> items) {
		ScheduleKeys s = ScheduleKeys.of(keyspace, scheduleId);
		List<String> keys = new ArrayList<>(seatIds.size() + 2 * items.size());
		seatIds.forEach(seat -> keys.add(s.hold(seat)));
		keys.addAll(units(keyspace, scheduleId, items));
		return keys;
	}

	public static List<String> of(RedisKeyspace keyspace, Reservation reservation) {
		return of(keyspace, reservation.scheduleId(), reservation.seatIds(), reservation.items());
	}

	/** Only the items' key pairs (for scripts that do not touch seat holds). */
	public static List<String> units(RedisKeyspace keyspace, long scheduleId, List<Reservation.Item> items) {
		InventoryKeys inventory = InventoryKeys.of(keyspace, scheduleId);
		List<String> keys = new ArrayList<>(2 * items.size());
		for (Reservation.Item item : items) {
			keys.add(inventory.inventory(item.inventoryId()));
			keys.add(inventory.holds(item.inventoryId()));
		}
		return keys;
	}

}
