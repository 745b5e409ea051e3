package dev.stagedoor.reservation;

import dev.stagedoor.support.RedisKeyspace;

/** The reservation feature's Redis keys of one schedule (hash tag {@code {s:<scheduleId>}}). */
public record ReservationKeys(String root) {

	public static ReservationKeys of(RedisKeyspace keyspace, long scheduleId) {
		return new ReservationKeys(keyspace.schedule(scheduleId));
	}

	/** One reservation: its fields, and its history as {@code h<version>} = {@code STATE|ms}. */
	public String reservation(String reservationId) {
		return this.root + ":r:" + reservationId;
	}

	/** Holds' deadlines: "reservationId|user" → held-until ms. */
	public String expiry() {
		return this.root + ":expiry";
	}

	/** A user's live reservations in this schedule: reservation id → "seats:deadline ms" (0 = bought). */
	public String userLive(String userId) {
		return this.root + ":u:" + userId;
	}

	/**
	 * A user's holds in this schedule that ended unpaid (released, or lapsed) within the lapse
	 * window: reservation id → ms it ended (the seat-spinning defence).
	 */
	public String lapses(String userId) {
		return this.root + ":lapses:" + userId;
	}

}
