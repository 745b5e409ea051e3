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

}
