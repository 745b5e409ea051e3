package dev.stagedoor.reservation;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Event;
import dev.stagedoor.web.ApiDoc.EventStream;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.Problem;
import dev.stagedoor.web.ProblemException;

import static dev.stagedoor.web.ProblemCode.INVENTORY_LIMIT_EXCEEDED;
import static dev.stagedoor.web.ProblemCode.INVENTORY_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.NOT_IN_WAITING_LIST;
import static dev.stagedoor.web.ProblemCode.NOT_SOLD_OUT;
import static dev.stagedoor.web.ProblemCode.RATE_LIMITED;
import static dev.stagedoor.web.ProblemCode.SCHEDULE_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.SCHEDULE_STARTED;
import static dev.stagedoor.web.ProblemCode.SEAT_LIMIT_EXCEEDED;

@RestController
class WaitingListController {

	private final WaitingList list;

	WaitingListController(WaitingList list) {
		this.list = list;
	}

	@PostMapping("/api/schedules/{scheduleId}/waiting-list")
	@Answer(status = 201, body = WaitingList.Joined.class, description = "Joined: the place in line (1 = next)")
	@Answer(status = 200, body = WaitingList.Joined.class, description = "Joined before: the same place")
	@Problems({ SCHEDULE_NOT_FOUND, SCHEDULE_STARTED, NOT_SOLD_OUT, SEAT_LIMIT_EXCEEDED, INVENTORY_NOT_FOUND,
			INVENTORY_LIMIT_EXCEEDED, RATE_LIMITED })
	Mono<ResponseEntity<Object>> join(@PathVariable long scheduleId, @Valid @RequestBody JoinRequest body,
			Authentication caller) {
		boolean seats = body.seats() != null;
		boolean units = body.inventoryId() != null || body.quantity() != null;
		if (seats == units || (units && (body.inventoryId() == null || body.quantity() == null))) {
			return Mono.just(Problem.response(HttpStatus.BAD_REQUEST, "validation-failed",
					"Send either seats, or inventoryId and quantity."));
		}
		return seats ? this.list.join(scheduleId, caller.getName(), body.seats(), 0, 0)
				: this.list.join(scheduleId, caller.getName(), 0, body.inventoryId(), body.quantity());
	}

	@DeleteMapping("/api/schedules/{scheduleId}/waiting-list")
	@Answer(status = 204, description = "Left the waiting list (also when the caller had no place); an offer made stays")
	Mono<ResponseEntity<Object>> leave(@PathVariable long scheduleId, Authentication caller) {
		return this.list.leave(scheduleId, caller.getName()).thenReturn(ResponseEntity.noContent().build());
	}

	@GetMapping("/api/schedules/{scheduleId}/waiting-list")
	@Answer(status = 200, body = WaitingListPlace.class,
			description = "The caller's place (position, waiting, what they wait for), or `offer`: the reservation offered")
	@Problems(NOT_IN_WAITING_LIST)
	Mono<ResponseEntity<Object>> place(@PathVariable long scheduleId, Authentication caller) {
		return this.list.place(scheduleId, caller.getName())
			.map(place -> ResponseEntity.ok().<Object>body(place))
			.defaultIfEmpty(Problem.response(WaitingList.notInList()));
	}

	@GetMapping(path = "/api/schedules/{scheduleId}/waiting-list/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@EventStream(description = "The caller's place now and whenever it changes; then the offer, and the stream ends "
			+ "(it also ends when the caller leaves).",
			value = { @Event(name = "position", data = WaitingListPlace.class, description = "The place in line"),
					@Event(name = "offer", data = WaitingListPlace.class,
							description = "`offer` names the HELD reservation the list offered (`offer: true` on it)") })
	@Problems({ NOT_IN_WAITING_LIST, RATE_LIMITED })
	Flux<ServerSentEvent<WaitingListPlace>> stream(@PathVariable long scheduleId, Authentication caller) {
		String user = caller.getName();
		return this.list.place(scheduleId, user)
			.switchIfEmpty(Mono.error(() -> new ProblemException(WaitingList.notInList())))
			.flatMapMany(first -> this.list.follow(scheduleId, user, first));
	}

	/** {@code {"seats": n}} or {@code {"inventoryId": id, "quantity": n}}. */
	record JoinRequest(@Min(1) @Max(100) Integer seats, @Positive Long inventoryId,
			@Min(1) @Max(1_000_000) Integer quantity) {
	}

}
