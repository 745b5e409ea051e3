package dev.stagedoor.reservation;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A reservation as Redis holds it. {@code history} is every state it has been in, by
 * version (version 1 = HELD), in version order, so a stream can replay what a client missed.
 */
public record Reservation(String id, long scheduleId, String userId, List<Long> seatIds, ReservationState state,
		long amount, Instant heldUntil, long version, @JsonIgnore Map<Long, Transition> history) {

	public record Transition(long version, ReservationState state, Instant at) {
	}

	static Reservation fromHash(Map<String, String> hash) {
		TreeMap<Long, Transition> history = new TreeMap<>();
		hash.forEach((field, value) -> {
			if (field.length() > 1 && field.charAt(0) == 'h' && Character.isDigit(field.charAt(1))) {
				long version = Long.parseLong(field.substring(1));
				int bar = value.indexOf('|');
				history.put(version, new Transition(version, ReservationState.valueOf(value.substring(0, bar)),
						Instant.ofEpochMilli(Long.parseLong(value.substring(bar + 1)))));
			}
		});
		return new Reservation(hash.get("id"), Long.parseLong(hash.get("scheduleId")), hash.get("userId"),
				Arrays.stream(hash.get("seatIds").split(",")).map(Long::valueOf).toList(),
				ReservationState.valueOf(hash.get("state")), Long.parseLong(hash.get("amount")),
				Instant.ofEpochMilli(Long.parseLong(hash.get("heldUntil"))), Long.parseLong(hash.get("version")),
				Collections.unmodifiableSortedMap(history));
	}

}
