package dev.stagedoor.reservation;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.stagedoor.support.RedisKeyspace;

/**
 * The waiting-list context every script that frees seats or units passes to
 * {@code lib/waiting.lua}: {@code "<offerTtlMs>:<maxSeatsPerUser>:<schedule root>"}, so what it
 * frees is offered to the fans in line in the same script. {@link #OFF} ({@code ""}) makes no offers.
 */
@Component
public class WaitingListOffers {

	/** No offers: freed seats and units go straight back on sale. */
	public static final WaitingListOffers OFF = new WaitingListOffers(null, 0, 0);

	private final RedisKeyspace keyspace;

	private final long offerTtlMillis;

	private final int maxSeatsPerUser;

	@Autowired
	WaitingListOffers(RedisKeyspace keyspace, WaitingListProperties properties, HoldProperties holds) {
		this(keyspace, properties.offerTtl().toMillis(), holds.maxSeatsPerUser());
	}

	public WaitingListOffers(RedisKeyspace keyspace, long offerTtlMillis, int maxSeatsPerUser) {
		this.keyspace = keyspace;
		this.offerTtlMillis = offerTtlMillis;
		this.maxSeatsPerUser = maxSeatsPerUser;
	}

	/** The script argument for one schedule. */
	public String context(long scheduleId) {
		if (this.keyspace == null) {
			return "";
		}
		return this.offerTtlMillis + ":" + this.maxSeatsPerUser + ":" + this.keyspace.schedule(scheduleId);
	}

}
