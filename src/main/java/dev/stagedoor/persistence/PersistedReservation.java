package dev.stagedoor.persistence;

import java.time.Instant;
import java.util.List;

import dev.stagedoor.reservation.Reservation;

/** A reservation as recorded in PostgreSQL (eventually consistent with Redis). */
record PersistedReservation(String id, long scheduleId, String userId, List<Long> seatIds,
		List<Reservation.Item> items, String state, long amount, long version, Instant updatedAt) {
}
