package dev.stagedoor.reservation;

import java.util.LinkedHashMap;
import java.util.Map;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.api.sync.RedisHashCommands;

import dev.stagedoor.support.RedisKeyspace;

/**
 * Every reservation of one schedule as Redis holds it, read with a plain Lettuce connection
 * (single node or cluster) from outside any application context: the chaos drop compares them
 * with PostgreSQL after its faults. Keys and fields are the reservation feature's own
 * ({@link ReservationKeys}, {@link Reservation#fromHash}).
 */
public final class StoredReservations {

	private StoredReservations() {
	}

	/** Reservation id → reservation, for every reservation of the schedule found by SCAN. */
	public static <C extends RedisKeyCommands<String, String> & RedisHashCommands<String, String>> Map<String, Reservation> ofSchedule(
			C redis, RedisKeyspace keyspace, long scheduleId) {
		ReservationKeys keys = ReservationKeys.of(keyspace, scheduleId);
		String prefix = keys.reservation("");
		Map<String, Reservation> found = new LinkedHashMap<>();
		ScanIterator<String> scan = ScanIterator.scan(redis, ScanArgs.Builder.matches(escape(prefix) + "*").limit(1_000));
		while (scan.hasNext()) {
			String key = scan.next();
			Map<String, String> hash = redis.hgetall(key);
			if (!hash.isEmpty()) {
				Reservation reservation = Reservation.fromHash(hash);
				found.put(reservation.id(), reservation);
			}
		}
		return found;
	}

	/** The key prefix as a glob pattern that matches it literally. */
	private static String escape(String literal) {
		return literal.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
	}

}
