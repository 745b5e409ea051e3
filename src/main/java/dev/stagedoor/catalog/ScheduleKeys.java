package dev.stagedoor.catalog;

import dev.stagedoor.support.RedisKeyspace;

/**
 * The catalog's Redis keys of one schedule: what is on sale, and each seat's status (held or
 * sold). The hold and sold keys are written by the reservation, payment and cancellation
 * scripts but stay here, because the seat map reads them and the catalog depends on no
 * feature. Every feature's schedule keys share the hash tag {@code {s:<scheduleId>}}
 * ({@link RedisKeyspace#schedule}), so every script touches one cluster slot.
 */
public record ScheduleKeys(String root) {

	public static ScheduleKeys of(RedisKeyspace keyspace, long scheduleId) {
		return new ScheduleKeys(keyspace.schedule(scheduleId));
	}

	/** Seat id → price; a seat in here is on sale. */
	public String seats() {
		return this.root + ":seats";
	}

	/** Concert id and cancel deadline. */
	public String meta() {
		return this.root + ":meta";
	}

	/** Seat id → reservation id of the sale. */
	public String sold() {
		return this.root + ":sold";
	}

	/** One key per held seat, value = reservation id, with the hold's TTL. */
	public String hold(long seatId) {
		return this.root + ":hold:" + seatId;
	}

}
