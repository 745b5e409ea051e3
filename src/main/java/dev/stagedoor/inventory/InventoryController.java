package dev.stagedoor.inventory;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Event;
import dev.stagedoor.web.ApiDoc.EventStream;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.Problem;
import dev.stagedoor.web.ProblemException;

import static dev.stagedoor.web.ProblemCode.INVENTORY_NAME_TAKEN;
import static dev.stagedoor.web.ProblemCode.SCHEDULE_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.VALIDATION_FAILED;
import static dev.stagedoor.web.ProblemCode.RATE_LIMITED;

@RestController
class InventoryController {

	static final int MAX_QUANTITY = 1_000_000;

	private static final Duration HEARTBEAT = Duration.ofSeconds(15);

	private final Inventories inventories;

	private final SeatCatalog catalog;

	private final PerUserLimit defaultLimit;

	InventoryController(Inventories inventories, SeatCatalog catalog, PerUserLimit defaultLimit) {
		this.inventories = inventories;
		this.catalog = catalog;
		this.defaultLimit = defaultLimit;
	}

	@PostMapping("/api/admin/schedules/{scheduleId}/inventories")
	@Answer(status = 201, body = CreatedInventory.class, headers = "Location", description = "The inventory, on sale")
	@Problems({ VALIDATION_FAILED, SCHEDULE_NOT_FOUND, INVENTORY_NAME_TAKEN })
	Mono<ResponseEntity<Object>> create(@PathVariable long scheduleId, @Valid @RequestBody NewInventory body) {
		int maxPerUser = body.maxPerUser() != null ? body.maxPerUser() : this.defaultLimit.maxSeatsPerUser();
		return this.inventories.create(scheduleId, body.name(), body.quantity(), body.price(), maxPerUser)
			.map(inventory -> ResponseEntity
				.created(URI.create("/api/schedules/" + scheduleId + "/inventories"))
				.<Object>body(CreatedInventory.of(inventory)))
			.onErrorResume(DuplicateKeyException.class, ex -> Mono.just(Problem.response(HttpStatus.CONFLICT,
					"inventory-name-taken", "This schedule already has an inventory named " + body.name() + ".")))
			.defaultIfEmpty(Problem.response(Problem.scheduleNotFound()));
	}

	@GetMapping("/api/schedules/{scheduleId}/inventories")
	@Answer(status = 200, body = InventoryView.class, array = true,
			description = "The schedule's inventories with their counts (at most 250 ms old)")
	@Problems({ VALIDATION_FAILED, SCHEDULE_NOT_FOUND, RATE_LIMITED })
	Mono<ResponseEntity<Object>> list(@PathVariable long scheduleId) {
		return this.catalog.schedule(scheduleId)
			.flatMap(schedule -> this.inventories.list(scheduleId))
			.map(views -> ResponseEntity.ok().<Object>body(views))
			.defaultIfEmpty(Problem.response(Problem.scheduleNotFound()));
	}

	/**
	 * A {@code snapshot} event with every inventory, then {@code inventories} events with those
	 * whose counts changed, at most every 250 ms; followers share one snapshot per schedule.
	 */
	@GetMapping(path = "/api/schedules/{scheduleId}/inventories/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@EventStream(description = "The inventories once, then those whose counts changed (checked every 250 ms); "
			+ "does not complete by itself.",
			value = { @Event(name = "snapshot", data = InventoryView.class, array = true,
					description = "Every inventory with its counts"),
					@Event(name = "inventories", data = InventoryView.class, array = true,
							description = "The inventories whose counts changed since the last event") })
	@Problems({ VALIDATION_FAILED, SCHEDULE_NOT_FOUND, RATE_LIMITED })
	Flux<ServerSentEvent<Object>> stream(@PathVariable long scheduleId) {
		return this.catalog.schedule(scheduleId)
			.switchIfEmpty(Mono.error(() -> new ProblemException(Problem.scheduleNotFound())))
			.flatMapMany(schedule -> {
				boolean[] first = { true };
				Flux<ServerSentEvent<Object>> changes = this.inventories.changes(scheduleId).map(views -> {
					String name = first[0] ? "snapshot" : "inventories";
					first[0] = false;
					return ServerSentEvent.builder((Object) views).event(name).build();
				});
				Flux<ServerSentEvent<Object>> heartbeats = Flux.interval(HEARTBEAT)
					.map(tick -> ServerSentEvent.builder().comment("heartbeat").build());
				return Flux.merge(changes, heartbeats);
			});
	}

	record NewInventory(@NotBlank @Size(max = 100) String name, @NotNull @Min(1) @Max(MAX_QUANTITY) Integer quantity,
			@NotNull @Min(0) @Max(100_000_000) Long price, @Min(1) @Max(MAX_QUANTITY) Integer maxPerUser) {
	}

	record CreatedInventory(long id, long scheduleId, String name, int quantity, long price, int maxPerUser,
			int available) {

		static CreatedInventory of(Inventory inventory) {
			return new CreatedInventory(inventory.id(), inventory.scheduleId(), inventory.name(), inventory.quantity(),
					inventory.price(), inventory.maxPerUser(), inventory.quantity());
		}

	}

}
