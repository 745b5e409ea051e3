package dev.stagedoor.reservation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.support.OpenStreams;
import dev.stagedoor.web.Problem;

/**
 * A schedule's waiting list (README "Waiting list"): joining when what a fan wants is sold
 * out, leaving, the place, and the stream of a fan's place until the list offers them a
 * reservation. The offers themselves are made by the scripts that free seats and units
 * ({@code lib/waiting.lua}).
 */
@Component
class WaitingList {

	private static final Logger log = LoggerFactory.getLogger(WaitingList.class);

	private static final Duration HEARTBEAT = Duration.ofSeconds(15);

	private final SeatCatalog catalog;

	private final WaitingListScripts scripts;

	private final HoldProperties holds;

	private final WaitingListProperties properties;

	private final Clock clock;

	private final OpenStreams.Kind open;

	WaitingList(SeatCatalog catalog, WaitingListScripts scripts, HoldProperties holds, WaitingListProperties properties,
			Clock clock, OpenStreams openStreams) {
		this.catalog = catalog;
		this.scripts = scripts;
		this.holds = holds;
		this.properties = properties;
		this.clock = clock;
		this.open = openStreams.kind("waiting-list");
	}

	/** Joins for seats ({@code inventoryId} 0) or units of an inventory ({@code seats} 0). */
	Mono<ResponseEntity<Object>> join(long scheduleId, String user, int seats, long inventoryId, int quantity) {
		return this.catalog.schedule(scheduleId).flatMap(schedule -> {
			if (!this.clock.instant().isBefore(schedule.startsAt())) {
				return Mono.just(Problem.response(HttpStatus.CONFLICT, "schedule-started",
						"The schedule started at " + schedule.startsAt() + "; nothing can be waited for any more.",
						Map.of("startsAt", schedule.startsAt().toString())));
			}
			return this.scripts.publishSections(scheduleId, schedule.seats())
				.then(this.scripts.join(scheduleId, user, seats, inventoryId, quantity, this.holds.maxSeatsPerUser()))
				.map(join -> answer(join, scheduleId, user, seats, inventoryId, quantity));
		}).defaultIfEmpty(Problem.response(Problem.scheduleNotFound()));
	}

	private static ResponseEntity<Object> answer(WaitingListScripts.Join join, long scheduleId, String user, int seats,
			long inventoryId, int quantity) {
		switch (join.status()) {
			case JOINED:
				log.info("Joined the waiting list: schedule {}, user {}, {}, position {}", scheduleId, user,
						seats > 0 ? seats + " seats" : quantity + " units of inventory " + inventoryId, join.position());
				return ResponseEntity.status(HttpStatus.CREATED).body(position(join));
			case ALREADY:
				return ResponseEntity.ok(position(join));
			case NOT_SOLD_OUT:
				return Problem.response(HttpStatus.CONFLICT, "not-sold-out",
						"What you asked for is available now: hold it instead.", Map.of("available", join.available()));
			case LIMIT:
				if (inventoryId != 0) {
					return Problem.response(HttpStatus.UNPROCESSABLE_CONTENT, "inventory-limit-exceeded",
							"You would hold or own more units of this inventory than it allows.",
							Map.of("inventoryIds", java.util.List.of(inventoryId), "held", java.util.List.of(join.held()),
									"limits", java.util.List.of(join.limit())));
				}
				return Problem.response(HttpStatus.UNPROCESSABLE_CONTENT, "seat-limit-exceeded",
						"At most " + join.limit() + " seats per user in a schedule; you already have " + join.held() + ".",
						Map.of("limit", join.limit(), "held", join.held()));
			default:
				return Problem.response(HttpStatus.NOT_FOUND, "inventory-not-found",
						"Some inventories are not in this schedule.", Map.of("inventoryIds", java.util.List.of(inventoryId)));
		}
	}

	private static Joined position(WaitingListScripts.Join join) {
		return new Joined(join.position(), Instant.ofEpochMilli(join.joinedAt()));
	}

	/** A place on the list: 1 = next in line. */
	record Joined(long position, Instant joinedAt) {
	}

	Mono<Boolean> leave(long scheduleId, String user) {
		return this.scripts.leave(scheduleId, user);
	}

	Mono<WaitingListPlace> place(long scheduleId, String user) {
		return this.scripts.place(scheduleId, user);
	}

	/**
	 * The fan's place now ({@code position} event), again whenever it changes, and the
	 * {@code offer} event (the reservation's id) once the list offered them one; then the stream
	 * ends. It also ends when the fan left. {@code first} is the place when it opened.
	 */
	Flux<ServerSentEvent<WaitingListPlace>> follow(long scheduleId, String user, WaitingListPlace first) {
		AtomicReference<WaitingListPlace> last = new AtomicReference<>();
		Flux<WaitingListPlace> places = Flux.concat(Flux.just(first),
				Flux.interval(this.properties.streamInterval())
					.onBackpressureDrop()
					.concatMap(tick -> place(scheduleId, user)
						.defaultIfEmpty(new WaitingListPlace(null, null, null, null, null, null, null))));
		Flux<ServerSentEvent<WaitingListPlace>> events = places.concatMap(place -> {
			WaitingListPlace before = last.getAndSet(place);
			if (place.offer() != null) {
				return Flux.just(ServerSentEvent.builder(place).event("offer").build(), END);
			}
			if (place.position() == null) {
				return Flux.just(END);
			}
			if (before != null && place.position().equals(before.position()) && place.waiting().equals(before.waiting())) {
				return Flux.empty();
			}
			return Flux.just(ServerSentEvent.builder(place).id(String.valueOf(place.position())).event("position").build());
		});
		Flux<ServerSentEvent<WaitingListPlace>> heartbeats = Flux.interval(HEARTBEAT)
			.map(tick -> ServerSentEvent.<WaitingListPlace>builder().comment("heartbeat").build());
		return this.open.track(Flux.merge(events, heartbeats).takeUntil(event -> event == END).filter(event -> event != END));
	}

	private static final ServerSentEvent<WaitingListPlace> END = ServerSentEvent.<WaitingListPlace>builder()
		.comment("end")
		.build();

	/** The caller has no place and no offer. */
	static org.springframework.http.ProblemDetail notInList() {
		return Problem.of(HttpStatus.NOT_FOUND, "not-in-waiting-list",
				"You have no place on this schedule's waiting list and no offer from it.");
	}

}
