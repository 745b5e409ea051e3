package dev.stagedoor.dashboard;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

import dev.stagedoor.web.ApiDoc.Event;
import dev.stagedoor.web.ApiDoc.EventStream;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.Problem;
import dev.stagedoor.web.ProblemException;

import static dev.stagedoor.web.ProblemCode.CONCERT_NOT_FOUND;

/** The drop dashboard's live figures for one concert (admin only, like all of /api/admin). */
@RestController
class DropStatsController {

	private final DropStats stats;

	DropStatsController(DropStats stats) {
		this.stats = stats;
	}

	@GetMapping(path = "/api/admin/concerts/{concertId}/stats/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@EventStream(description = "The concert's drop, live: one `stats` event a second at most (the first at once), "
			+ "until the client goes away. Rates are per second over the last second (seats that turned HELD or SOLD "
			+ "in the shared seat-map snapshot); outbox backlog, persistence lag and dead letters are this instance's meters.",
			value = @Event(name = "stats", data = DropStats.DropFigures.class,
					description = "Waiting room, seats by status per schedule, rates and pipeline health"))
	@Problems(CONCERT_NOT_FOUND)
	Flux<ServerSentEvent<DropStats.DropFigures>> stream(@PathVariable long concertId) {
		return this.stats.exists(concertId)
			.flatMapMany(found -> found ? this.stats.follow(concertId).map(f -> ServerSentEvent.builder(f).event("stats").build())
					: Flux.error(new ProblemException(Problem.concertNotFound())));
	}

}
