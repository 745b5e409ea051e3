package dev.stagedoor.cancellation;

import dev.stagedoor.support.RedisKeyspace;

/** The cancellation feature's Redis keys of one schedule (hash tag {@code {s:<scheduleId>}}). */
public record CancellationKeys(String root) {

	public static CancellationKeys of(RedisKeyspace keyspace, long scheduleId) {
		return new CancellationKeys(keyspace.schedule(scheduleId));
	}

	/** Cancellations in progress: "reservationId|user" → ms when the cancellation was requested. */
	public String cancelling() {
		return this.root + ":cancelling";
	}

}
