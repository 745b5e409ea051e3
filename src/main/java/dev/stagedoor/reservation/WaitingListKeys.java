package dev.stagedoor.reservation;

import dev.stagedoor.support.RedisKeyspace;

/**
 * The Redis keys of one schedule's waiting list (hash tag {@code {s:<scheduleId>}}), read and
 * written by {@code lib/waiting.lua}, which builds the same names from the schedule's root.
 */
public record WaitingListKeys(String root) {

	public static WaitingListKeys of(RedisKeyspace keyspace, long scheduleId) {
		return new WaitingListKeys(keyspace.schedule(scheduleId));
	}

	/** The fans in line: user → join number (positions are ranks, 1 = first). */
	public String list() {
		return this.root + ":wl";
	}

	/** user → what they wait for: {@code s:<seats>:<joinedAt>} or {@code i:<inventoryId>:<units>:<joinedAt>}. */
	public String requests() {
		return this.root + ":wl:req";
	}

	/** The last join number given. */
	public String sequence() {
		return this.root + ":wl:seq";
	}

	/** {@code seats} or an inventory id → fans waiting for it. */
	public String wants() {
		return this.root + ":wl:wants";
	}

	/** Seats freed while fans wait that no fan's request fitted yet. */
	public String freed() {
		return this.root + ":wl:free";
	}

	/** user → id of the reservation the list offered them (until they join again). */
	public String offers() {
		return this.root + ":wl:offers";
	}

	/** seat id → section, for offering a fan seats of one section together. */
	public String sections() {
		return this.root + ":wl:sections";
	}

	/** Counter in the ids of offered reservations. */
	public String offerIds() {
		return this.root + ":wl:ids";
	}

}
