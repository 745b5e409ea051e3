package dev.stagedoor.catalog;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Event;
import dev.stagedoor.web.ApiDoc.EventStream;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.Problem;
import dev.stagedoor.web.ProblemException;
import dev.stagedoor.web.constraints.Consistency;
import dev.stagedoor.web.constraints.EnumName;
import dev.stagedoor.web.constraints.InTheFuture;

import static dev.stagedoor.web.ProblemCode.CONCERT_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.SCHEDULE_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.VALIDATION_FAILED;
import static dev.stagedoor.web.ProblemCode.RATE_LIMITED;

@RestController
class ScheduleController {

	static final int MAX_SEATS_PER_SCHEDULE = 20_000;

	private final ScheduleRepository repository;

	private final SeatCatalog catalog;

	private final SeatMap seatMap;

	private final SeatStreams streams;

	ScheduleController(ScheduleRepository repository, SeatCatalog catalog, SeatMap seatMap, SeatStreams streams) {
		this.repository = repository;
		this.catalog = catalog;
		this.seatMap = seatMap;
		this.streams = streams;
	}

	/** Creates the schedule and its seats in PostgreSQL, then puts them on sale in Redis. */
	@PostMapping("/api/admin/concerts/{concertId}/schedules")
	@Answer(status = 201, body = ScheduleView.class, description = "The schedule, its seats on sale")
	@Problems({ VALIDATION_FAILED, CONCERT_NOT_FOUND })
	Mono<ResponseEntity<Object>> create(@PathVariable long concertId,
			@Validated(Consistency.FieldsFirst.class) @RequestBody NewSchedule body) {
		List<ScheduleRepository.NewSection> sections = body.sections()
			.stream()
			.map(s -> new ScheduleRepository.NewSection(s.name(), s.rows(), s.seatsPerRow(), s.price()))
			.toList();
		return this.repository.insert(concertId, body.startsAt(), body.cancelDeadline(), sections)
			.flatMap(this.catalog::publish)
			.map(schedule -> ResponseEntity.status(HttpStatus.CREATED).<Object>body(ScheduleView.of(schedule, null)))
			.defaultIfEmpty(Problem.response(Problem.concertNotFound()));
	}

	/** The concert's schedules; 404 {@code concert-not-found} for a concert that does not exist. */
	@GetMapping("/api/concerts/{concertId}/schedules")
	@Answer(status = 200, body = ScheduleView.class, array = true, description = "The concert's schedules with seats available")
	@Problems({ VALIDATION_FAILED, CONCERT_NOT_FOUND })
	Mono<ResponseEntity<Object>> list(@PathVariable long concertId) {
		return this.repository.concertExists(concertId).flatMap(exists -> {
			if (!exists) {
				return Mono.just(Problem.response(Problem.concertNotFound()));
			}
			return this.repository.idsOfConcert(concertId)
				.concatMap(this::view)
				.collectList()
				.map(views -> ResponseEntity.ok().<Object>body(views));
		});
	}

	/** One schedule, as an element of the list above; 404 {@code schedule-not-found}. */
	@GetMapping("/api/schedules/{scheduleId}")
	@Answer(status = 200, body = ScheduleView.class, description = "The schedule with seats available")
	@Problems({ VALIDATION_FAILED, SCHEDULE_NOT_FOUND })
	Mono<ResponseEntity<Object>> get(@PathVariable long scheduleId) {
		return view(scheduleId).map(view -> ResponseEntity.ok().<Object>body(view))
			.defaultIfEmpty(Problem.response(Problem.scheduleNotFound()));
	}

	private Mono<ScheduleView> view(long scheduleId) {
		return this.catalog.schedule(scheduleId)
			.flatMap(schedule -> this.seatMap.available(scheduleId).map(available -> ScheduleView.of(schedule, available)));
	}

	/**
	 * The seat map, optionally only the seats in one status ({@code ?status=AVAILABLE}: what a
	 * shopper needs, and near a sell-out a small fraction of the map). Every map carries an
	 * {@code ETag}; WebFlux answers 304 to an {@code If-None-Match} naming it, and
	 * {@code Cache-Control: no-cache} lets browsers keep the map and revalidate it.
	 */
	@GetMapping("/api/schedules/{scheduleId}/seats")
	@Answer(status = 200, body = SeatView.class, array = true, headers = { "ETag", "Cache-Control" },
			description = "The seat map (at most 250 ms old), only the seats in `status` when given")
	@Answer(status = 304, headers = "ETag", description = "Unchanged since the ETag in If-None-Match")
	@Problems({ VALIDATION_FAILED, SCHEDULE_NOT_FOUND, RATE_LIMITED })
	Mono<ResponseEntity<Object>> seats(@PathVariable long scheduleId,
			@RequestParam(required = false) @EnumName(SeatView.SeatStatus.class) String status) {
		SeatView.SeatStatus chosen = status == null ? null : SeatView.SeatStatus.valueOf(status);
		return this.seatMap.snapshot(scheduleId)
			.map(snapshot -> ResponseEntity.ok()
				.eTag(snapshot.etag(chosen))
				.cacheControl(CacheControl.noCache())
				.contentType(MediaType.APPLICATION_JSON)
				.<Object>body(snapshot.json(chosen)))
			.defaultIfEmpty(Problem.response(Problem.scheduleNotFound()));
	}

	@GetMapping(path = "/api/schedules/{scheduleId}/seats/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@EventStream(description = "The seat map once, then the seats whose status changed (checked every 250 ms); "
			+ "does not complete by itself.",
			value = { @Event(name = "snapshot", data = SeatView.class, array = true, description = "Every seat with its status"),
					@Event(name = "seats", data = SeatStreams.SeatChange.class, array = true,
							description = "The seats whose status changed since the last event") })
	@Problems({ SCHEDULE_NOT_FOUND, RATE_LIMITED })
	Flux<ServerSentEvent<Object>> stream(@PathVariable long scheduleId) {
		return this.catalog.schedule(scheduleId)
			.switchIfEmpty(Mono.error(() -> new ProblemException(Problem.scheduleNotFound())))
			.flatMapMany(schedule -> this.streams.follow(scheduleId));
	}

	/**
	 * The field constraints run first; the rules in {@link Consistency} (a future start, at
	 * most {@value #MAX_SEATS_PER_SCHEDULE} seats, different section names, the cancel deadline
	 * not after the start) only when the fields passed.
	 */
	@CancelDeadlineNotAfterStart(groups = Consistency.class)
	record NewSchedule(@NotNull @InTheFuture(groups = Consistency.class) Instant startsAt, Instant cancelDeadline,
			@NotEmpty @Size(max = 50) @MaxSeats(value = MAX_SEATS_PER_SCHEDULE, groups = Consistency.class)
			@DifferentNames(groups = Consistency.class) List<@Valid @NotNull NewSection> sections) {
	}

	record NewSection(@NotBlank @Size(max = 50) @Pattern(regexp = "[A-Za-z0-9_]+") String name,
			@NotNull @Min(1) @Max(1000) Integer rows, @NotNull @Min(1) @Max(1000) Integer seatsPerRow,
			@NotNull @Min(0) @Max(100_000_000) Long price) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ScheduleView(long id, long concertId, Instant startsAt, Instant cancelDeadline, int seatCount,
			Long available) {

		static ScheduleView of(Schedule schedule, Long available) {
			return new ScheduleView(schedule.id(), schedule.concertId(), schedule.startsAt(), schedule.cancelDeadline(),
					schedule.seats().size(), available);
		}

	}

}
