package dev.stagedoor.reservation;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.UniqueElements;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.limits.LimitProblems;
import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Event;
import dev.stagedoor.web.ApiDoc.EventStream;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.CurrentUser;
import dev.stagedoor.web.Problem;
import dev.stagedoor.web.ProblemException;
import dev.stagedoor.web.constraints.Consistency;

import static dev.stagedoor.web.ProblemCode.HOLD_COOLDOWN;
import static dev.stagedoor.web.ProblemCode.INVENTORY_LIMIT_EXCEEDED;
import static dev.stagedoor.web.ProblemCode.INVENTORY_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.INVENTORY_UNAVAILABLE;
import static dev.stagedoor.web.ProblemCode.NOT_ADMITTED;
import static dev.stagedoor.web.ProblemCode.RATE_LIMITED;
import static dev.stagedoor.web.ProblemCode.RESERVATION_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.SCHEDULE_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.SCHEDULE_STARTED;
import static dev.stagedoor.web.ProblemCode.SEAT_LIMIT_EXCEEDED;
import static dev.stagedoor.web.ProblemCode.SEAT_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.SEAT_UNAVAILABLE;

@RestController
class ReservationController {

	static final int MAX_SEATS_PER_REQUEST = 100;

	static final int MAX_ITEMS_PER_REQUEST = 20;

	private final PlacingOnHold holds;

	private final Reservations reservations;

	private final ReservationStreams streams;

	ReservationController(PlacingOnHold holds, Reservations reservations, ReservationStreams streams) {
		this.holds = holds;
		this.reservations = reservations;
		this.streams = streams;
	}

	@PostMapping("/api/schedules/{scheduleId}/reservations")
	@Answer(status = 201, body = Reservation.class, headers = "Location",
			description = "The seats are held (HELD until `heldUntil`)")
	@Problems({ NOT_ADMITTED, SCHEDULE_NOT_FOUND, SEAT_NOT_FOUND, SEAT_UNAVAILABLE, SEAT_LIMIT_EXCEEDED, SCHEDULE_STARTED,
			INVENTORY_NOT_FOUND, INVENTORY_UNAVAILABLE, INVENTORY_LIMIT_EXCEEDED, HOLD_COOLDOWN, RATE_LIMITED })
	Mono<ResponseEntity<Object>> hold(@PathVariable long scheduleId,
			@Validated(Consistency.FieldsFirst.class) @RequestBody HoldRequest body,
			@RequestHeader(name = "Queue-Token", required = false) String queueToken, Authentication caller) {
		List<Long> seatIds = body.seatIds() == null ? List.of() : body.seatIds();
		List<ItemRequest> items = body.items() == null ? List.of() : body.items();
		// these two answers name no field, so they stay here rather than in constraints
		if (seatIds.isEmpty() && items.isEmpty()) {
			return Mono.just(Problem.response(HttpStatus.BAD_REQUEST, "validation-failed",
					"seatIds or items must name something to hold."));
		}
		if (items.stream().map(ItemRequest::inventoryId).distinct().count() < items.size()) {
			return Mono.just(Problem.response(HttpStatus.BAD_REQUEST, "validation-failed",
					"items names an inventory twice; ask for its units in one item."));
		}
		return this.holds
			.hold(scheduleId, caller.getName(), queueToken, seatIds,
					items.stream().map(i -> new HoldCall.Units(i.inventoryId(), i.quantity())).toList())
			.map(ReservationController::toResponse);
	}

	@GetMapping("/api/reservations/{id}")
	@Answer(status = 200, body = Reservation.class, description = "The reservation (to its owner or an admin)")
	@Problems(RESERVATION_NOT_FOUND)
	Mono<ResponseEntity<Object>> get(@PathVariable String id, Authentication caller) {
		CurrentUser user = CurrentUser.of(caller);
		return this.reservations.findOwned(id, user.id(), user.admin())
			.map(reservation -> ResponseEntity.ok().<Object>body(reservation))
			.defaultIfEmpty(Problem.response(ReservationProblems.notFound()));
	}

	@GetMapping(path = "/api/reservations/{id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@EventStream(description = "Every transition of the reservation, event id = version, so `Last-Event-ID` (or "
			+ "`?lastEventId=`) resumes without a gap; resumed with nothing new, the comment `:up to date` comes first. "
			+ "Completes at a final state (at once when resumed after it).",
			value = @Event(name = "state", data = Reservation.class, description = "The reservation after a transition"))
	@Problems({ RESERVATION_NOT_FOUND, RATE_LIMITED })
	Flux<ServerSentEvent<Reservation>> stream(@PathVariable String id,
			@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
			@RequestParam(name = "lastEventId", required = false) String lastEventIdParameter, Authentication caller) {
		CurrentUser user = CurrentUser.of(caller);
		// ?lastEventId= is for EventSource clients reopening a stream with a new ticket (a new
		// EventSource cannot set the header); the header wins when both are sent
		long after = parseVersion(lastEventId != null ? lastEventId : lastEventIdParameter);
		return this.reservations.findOwned(id, user.id(), user.admin())
			.switchIfEmpty(Mono.error(() -> new ProblemException(ReservationProblems.notFound())))
			.flatMapMany(first -> this.streams.follow(first, after, user));
	}

	static ResponseEntity<Object> toResponse(HoldResult result) {
		if (result instanceof HoldResult.Held held) {
			return ResponseEntity.created(URI.create("/api/reservations/" + held.reservation().id()))
				.body(held.reservation());
		}
		if (result instanceof HoldResult.SeatsUnavailable unavailable) {
			return Problem.response(HttpStatus.CONFLICT, "seat-unavailable", "Some seats are held or sold.",
					Map.of("seatIds", unavailable.seatIds()));
		}
		if (result instanceof HoldResult.SeatsNotFound missing) {
			return Problem.response(HttpStatus.NOT_FOUND, "seat-not-found", "Some seats are not in this schedule.",
					Map.of("seatIds", missing.seatIds()));
		}
		if (result instanceof HoldResult.LimitExceeded limit) {
			return Problem.response(HttpStatus.UNPROCESSABLE_CONTENT, "seat-limit-exceeded",
					"At most " + limit.limit() + " seats per user in a schedule; you already have "
							+ limit.alreadyHeld() + ".",
					Map.of("limit", limit.limit(), "held", limit.alreadyHeld()));
		}
		if (result instanceof HoldResult.InventoriesUnavailable unavailable) {
			return Problem.response(HttpStatus.CONFLICT, "inventory-unavailable",
					"Some inventories have fewer units left than asked for.",
					Map.of("inventoryIds", unavailable.inventoryIds()));
		}
		if (result instanceof HoldResult.InventoriesNotFound missing) {
			return Problem.response(HttpStatus.NOT_FOUND, "inventory-not-found",
					"Some inventories are not in this schedule.", Map.of("inventoryIds", missing.inventoryIds()));
		}
		if (result instanceof HoldResult.InventoryLimitExceeded limit) {
			return Problem.response(HttpStatus.UNPROCESSABLE_CONTENT, "inventory-limit-exceeded",
					"You would hold or own more units of some inventories than each allows.",
					Map.of("inventoryIds", limit.inventoryIds(), "held", limit.held(), "limits", limit.limits()));
		}
		if (result instanceof HoldResult.NotAdmitted refused) {
			return Problem.response(HttpStatus.FORBIDDEN, "not-admitted",
					"A valid Queue-Token of an admitted user is required: " + refused.reason() + ".");
		}
		if (result instanceof HoldResult.Cooldown cooldown) {
			return LimitProblems.holdCooldown(cooldown.retryAfterSeconds(), cooldown.lapsed());
		}
		if (result instanceof HoldResult.ScheduleStarted started) {
			return Problem.response(HttpStatus.CONFLICT, "schedule-started",
					"The schedule started at " + started.startsAt() + "; its seats can no longer be held.",
					Map.of("startsAt", started.startsAt().toString()));
		}
		return Problem.response(Problem.scheduleNotFound());
	}

	private static long parseVersion(String lastEventId) {
		try {
			return lastEventId == null ? 0 : Math.max(0, Long.parseLong(lastEventId.trim()));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * Seats, units of quantity inventories, or both; either list may be empty, not both. A
	 * repeated seat is looked for once the seat ids themselves are valid.
	 */
	record HoldRequest(
			@Size(max = MAX_SEATS_PER_REQUEST) @UniqueElements(message = "must not repeat a seat",
					groups = Consistency.class) List<@NotNull @Positive Long> seatIds,
			@Size(max = MAX_ITEMS_PER_REQUEST) List<@Valid @NotNull ItemRequest> items) {
	}

	record ItemRequest(@NotNull @Positive Long inventoryId, @NotNull @Min(1) @Max(1_000_000) Integer quantity) {
	}

}
