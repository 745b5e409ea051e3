package dev.stagedoor.reservation;

import java.time.Instant;
import java.util.List;

/** What asking for a hold can give. */
sealed interface HoldResult {

	record Held(Reservation reservation) implements HoldResult {
	}

	record SeatsUnavailable(List<Long> seatIds) implements HoldResult {
	}

	record SeatsNotFound(List<Long> seatIds) implements HoldResult {
	}

	record LimitExceeded(int alreadyHeld, int limit) implements HoldResult {
	}

	record NotAdmitted(String reason) implements HoldResult {
	}

	record ScheduleNotFound() implements HoldResult {
	}

	record ScheduleStarted(Instant startsAt) implements HoldResult {
	}

	record InventoriesNotFound(List<Long> inventoryIds) implements HoldResult {
	}

	record InventoriesUnavailable(List<Long> inventoryIds) implements HoldResult {
	}

	/** Per inventory over its limit: the units the user already holds or bought, and the limit. */
	record InventoryLimitExceeded(List<Long> inventoryIds, List<Long> held, List<Long> limits) implements HoldResult {
	}

}
