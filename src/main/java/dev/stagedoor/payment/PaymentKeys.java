package dev.stagedoor.payment;

import dev.stagedoor.support.RedisKeyspace;

/** The payment feature's Redis keys of one schedule (hash tag {@code {s:<scheduleId>}}). */
public record PaymentKeys(String root) {

	public static PaymentKeys of(RedisKeyspace keyspace, long scheduleId) {
		return new PaymentKeys(keyspace.schedule(scheduleId));
	}

	/** Payments in progress: "reservationId|user" → ms when the attempt began (for the recovery job). */
	public String paying() {
		return this.root + ":paying";
	}

}
