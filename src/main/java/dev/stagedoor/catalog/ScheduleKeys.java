package dev.stagedoor.catalog;

import dev.stagedoor.support.RedisKeyspace;

/**
 * The Redis keys of one schedule: seats, holds, sales and reservations all share the hash
 * tag {@code {s:<scheduleId>}}, so every script touches one cluster slot.
 */
public record ScheduleKeys(String root) {

	public static ScheduleKeys of(RedisKeyspace keyspace, long scheduleId) {
		return new ScheduleKeys(keyspace.root("s", scheduleId));
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

	/** Holds' deadlines: "reservationId|user" → held-until ms. */
	public String expiry() {
		return this.root + ":expiry";
	}

	/** Payments in progress: "reservationId|user" → ms when the attempt began (for the recovery job). */
	public String paying() {
		return this.root + ":paying";
	}

	/** Cancellations in progress: "reservationId|user" → ms when the cancellation was requested. */
	public String cancelling() {
		return this.root + ":cancelling";
	}

	/** The outbox stream of reservation events. */
	public String outbox() {
		return this.root + ":outbox";
	}

	/** One key per held seat, value = reservation id, with the hold's TTL. */
	public String hold(long seatId) {
		return this.root + ":hold:" + seatId;
	}

	public String reservation(String reservationId) {
		return this.root + ":r:" + reservationId;
	}

	/** A user's live reservations in this schedule: reservation id → "seats:deadline ms" (0 = bought). */
	public String userLive(String userId) {
		return this.root + ":u:" + userId;
	}

}
