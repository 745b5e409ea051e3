package dev.stagedoor.reservation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.stagedoor.support.RedisKeyspace;
import dev.stagedoor.support.ScriptReply;

/**
 * The waiting-list context every script that frees seats or units passes to
 * {@code lib/waiting.lua}: {@code "<offerTtlMs>:<maxSeatsPerUser>:<schedule root>"}, so what it
 * frees is offered to the fans in line in the same script. {@link #OFF} ({@code ""}) makes no offers.
 */
@Component
public class WaitingListOffers {

	private static final Logger log = LoggerFactory.getLogger(WaitingListOffers.class);

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

	/**
	 * One INFO line per offer a script reply names in its {@code offered} field
	 * ({@code "reservationId|user,..."}): the offer's story in the log starts here.
	 */
	public static void logOffered(ScriptReply reply, String after) {
		if (!reply.has("offered") || reply.text("offered").isEmpty()) {
			return;
		}
		for (String offer : reply.text("offered").split(",")) {
			int bar = offer.indexOf('|');
			log.info("Offered: reservation {}, user {} (from the waiting list, after {})", offer.substring(0, bar),
					offer.substring(bar + 1), after);
		}
	}

}
