package dev.stagedoor.reservation;

import java.time.Instant;
import java.util.List;

/** What asking for a hold can give. */
sealed interface HoldResult {

	/** The {@code outcome} tag of the {@code stagedoor.holds} meter. */
	String outcome();

	record Held(Reservation reservation) implements HoldResult {

		public String outcome() {
			return "held";
		}

	}

	record SeatsUnavailable(List<Long> seatIds) implements HoldResult {

		public String outcome() {
			return "unavailable";
		}

	}

	record SeatsNotFound(List<Long> seatIds) implements HoldResult {

		public String outcome() {
			return "seat-not-found";
		}

	}

	record LimitExceeded(int alreadyHeld, int limit) implements HoldResult {

		public String outcome() {
			return "limit";
		}

	}

	record NotAdmitted(String reason) implements HoldResult {

		public String outcome() {
			return "not-admitted";
		}

	}

	record ScheduleNotFound() implements HoldResult {

		public String outcome() {
			return "schedule-not-found";
		}

	}

	record ScheduleStarted(Instant startsAt) implements HoldResult {

		public String outcome() {
			return "schedule-started";
		}

	}

	record InventoriesNotFound(List<Long> inventoryIds) implements HoldResult {

		public String outcome() {
			return "inventory-not-found";
		}

	}

	record InventoriesUnavailable(List<Long> inventoryIds) implements HoldResult {

		public String outcome() {
			return "inventory-unavailable";
		}

	}

	/** Per inventory over its limit: the units the user already holds or bought, and the limit. */
	record InventoryLimitExceeded(List<Long> inventoryIds, List<Long> held, List<Long> limits) implements HoldResult {

		public String outcome() {
			return "inventory-limit";
		}

	}

	/** Seat spinning: {@code lapsed} of the user's holds on the schedule ended unpaid within the window. */
	record Cooldown(int lapsed, long retryAfterSeconds) implements HoldResult {

		public String outcome() {
			return "cooldown";
		}

	}

}
