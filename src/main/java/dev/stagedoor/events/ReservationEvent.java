package dev.stagedoor.events;

import java.util.Map;

/**
 * One change of a reservation, as the state scripts append it to a schedule's outbox.
 * {@code eventId} = {@code <reservationId>:<version>} is unique, so consumers apply each
 * event once; {@code version} orders the events of one reservation. {@code type} and
 * {@code state} stay the wire strings (an {@link EventType} and a reservation state name):
 * consumers and PostgreSQL store them as they are, and a type added later must not make an
 * older consumer dead-letter the event; compare with {@link #is(EventType)}.
 */
public record ReservationEvent(String eventId, String type, String reservationId, long scheduleId, String userId,
		String seatIds, long amount, String state, long version, long at, Long heldUntil, String items,
		String waiting, boolean offer) {

	/**
	 * {@code items}: the units of quantity inventories, {@code "inventoryId:units:price,..."};
	 * empty for a reservation of seats only (events written before items existed have none).
	 * {@code waiting}: only on waiting-list events ({@link EventType#isWaitingList}),
	 * {@code "<joinNumber>:s:<seats>"} or {@code "<joinNumber>:i:<inventoryId>:<units>"}; empty otherwise.
	 * {@code offer}: the reservation is one a waiting list offered (every event of it says so).
	 */
	public ReservationEvent {
		items = items == null ? "" : items;
		waiting = waiting == null ? "" : waiting;
	}

	/** An event of a reservation. */
	public ReservationEvent(String eventId, String type, String reservationId, long scheduleId, String userId,
			String seatIds, long amount, String state, long version, long at, Long heldUntil, String items) {
		this(eventId, type, reservationId, scheduleId, userId, seatIds, amount, state, version, at, heldUntil, items, "",
				false);
	}

	/** An event of a reservation of seats only. */
	public ReservationEvent(String eventId, String type, String reservationId, long scheduleId, String userId,
			String seatIds, long amount, String state, long version, long at, Long heldUntil) {
		this(eventId, type, reservationId, scheduleId, userId, seatIds, amount, state, version, at, heldUntil, "");
	}

	/** From the fields of an outbox stream entry; throws for an entry that is not an event. */
	public static ReservationEvent fromFields(Map<String, String> fields) {
		return new ReservationEvent(required(fields, "eventId"), required(fields, "type"),
				required(fields, "reservationId"), Long.parseLong(required(fields, "scheduleId")),
				required(fields, "userId"), required(fields, "seatIds"), Long.parseLong(required(fields, "amount")),
				required(fields, "state"), Long.parseLong(required(fields, "version")),
				Long.parseLong(required(fields, "at")),
				fields.containsKey("heldUntil") ? Long.valueOf(fields.get("heldUntil")) : null, fields.get("items"),
				fields.get("waiting"), "true".equals(fields.get("offer")));
	}

	public boolean is(EventType type) {
		return type.name().equals(this.type);
	}

	private static String required(Map<String, String> fields, String name) {
		String value = fields.get(name);
		if (value == null) {
			throw new IllegalArgumentException("event field '" + name + "' is missing");
		}
		return value;
	}

}
