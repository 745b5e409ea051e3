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
	CANCELLED

}
