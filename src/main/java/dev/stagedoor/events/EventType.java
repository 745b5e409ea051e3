package dev.stagedoor.events;

/**
 * The {@code type} of a reservation event, as the Lua scripts write it ({@code append_event}
 * in {@code lua/lib/events.lua}); the names are the wire values (README, "Reservation events").
 */
public enum EventType {

	/** A hold was placed (state HELD, version 1, with heldUntil). */
	HELD,

	/** The owner released the hold before its deadline (state CANCELLED). */
	RELEASED,

	/** The hold lapsed, or its seats were lost (state EXPIRED). */
	EXPIRED,

	/** A payment attempt began (state PAYING). */
	PAYMENT_STARTED,

	/** A payment attempt ended without a payment while the hold was still valid (state HELD, with heldUntil). */
	PAYMENT_FAILED,

	/** The payment committed and the seats are sold (state CONFIRMED). */
	CONFIRMED,

	/** The owner asked to cancel a purchase (state CANCELLING); the cancellation worker refunds. */
	CANCEL_REQUESTED,

	/** Refunded and the seats are back on sale (state CANCELLED). */
	CANCELLED,

	/** A fan joined a schedule's waiting list (state WAITING; not a reservation: see {@link ReservationEvent#waiting()}). */
	WAITING_JOINED,

	/** A fan left a schedule's waiting list, or was offered a reservation (state LEFT). */
	WAITING_LEFT;

	/** Whether an event of this wire type is a waiting-list event rather than a reservation's. */
	public static boolean isWaitingList(String type) {
		return WAITING_JOINED.name().equals(type) || WAITING_LEFT.name().equals(type);
	}

}
