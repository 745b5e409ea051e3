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
 * {@code offer}: the schedule's waiting list offered it (held for the offer TTL).
 */
public record Reservation(String id, long scheduleId, String userId, List<Long> seatIds, List<Item> items,
		ReservationState state, long amount, Instant heldUntil, long version,
		@JsonIgnore Map<Long, Transition> history, boolean offer) {

	/** A reservation the fan held themselves (not a waiting-list offer). */
	public Reservation(String id, long scheduleId, String userId, List<Long> seatIds, List<Item> items,
			ReservationState state, long amount, Instant heldUntil, long version, Map<Long, Transition> history) {
		this(id, scheduleId, userId, seatIds, items, state, amount, heldUntil, version, history, false);
	}

	/** A reservation of seats only. */
	public Reservation(String id, long scheduleId, String userId, List<Long> seatIds, ReservationState state,
			long amount, Instant heldUntil, long version, Map<Long, Transition> history) {
		this(id, scheduleId, userId, seatIds, List.of(), state, amount, heldUntil, version, history);
	}

	public record Transition(long version, ReservationState state, Instant at) {
	}

	/**
	 * Units of a quantity inventory in the reservation, at {@code price} points each. Redis and
	 * the events keep a reservation's items as {@code "inventoryId:quantity:price,..."}.
	 */
	public record Item(long inventoryId, int quantity, long price) {

		public static List<Item> parse(String text) {
			if (text == null || text.isEmpty()) {
				return List.of();
			}
			return Arrays.stream(text.split(",")).map(part -> {
				String[] f = part.split(":");
				return new Item(Long.parseLong(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]));
			}).toList();
		}

		public static String format(List<Item> items) {
			return String.join(",",
					items.stream().map(i -> i.inventoryId() + ":" + i.quantity() + ":" + i.price()).toList());
		}

	}

	/** Parses a csv of seat ids; a reservation of units only has none. */
	public static List<Long> parseSeatIds(String csv) {
		return csv == null || csv.isEmpty() ? List.of() : Arrays.stream(csv.split(",")).map(Long::valueOf).toList();
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
				parseSeatIds(hash.get("seatIds")), Item.parse(hash.get("items")), ReservationState.valueOf(hash.get("state")), Long.parseLong(hash.get("amount")),
				Instant.ofEpochMilli(Long.parseLong(hash.get("heldUntil"))), Long.parseLong(hash.get("version")),
				Collections.unmodifiableSortedMap(history), "1".equals(hash.get("offer")));
	}

}
