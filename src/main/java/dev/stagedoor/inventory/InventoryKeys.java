package dev.stagedoor.inventory;

import dev.stagedoor.support.RedisKeyspace;

/**
 * The Redis keys of a schedule's inventories. They share the schedule's hash tag
 * {@code {s:<scheduleId>}} with its seats and reservations, so one script can hold seats and
 * units together in one cluster slot.
 */
public record InventoryKeys(String root) {

	public static InventoryKeys of(RedisKeyspace keyspace, long scheduleId) {
		return new InventoryKeys(keyspace.root("s", scheduleId));
	}

	/** The ids of the schedule's inventories on sale. */
	public String ids() {
		return this.root + ":inv";
	}

	/** One inventory: quantity, price, maxPerUser, and the held and sold unit counts. */
	public String inventory(long inventoryId) {
		return this.root + ":inv:" + inventoryId;
	}

	/** The units of live holds: "reservationId|units" → ms until which they are held. */
	public String holds(long inventoryId) {
		return this.root + ":invh:" + inventoryId;
	}

}
