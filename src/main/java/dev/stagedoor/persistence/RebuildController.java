package dev.stagedoor.persistence;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.Problem;

import static dev.stagedoor.web.ProblemCode.SCHEDULE_NOT_FOUND;

@RestController
class RebuildController {

	private final ScheduleRecovery recovery;

	RebuildController(ScheduleRecovery recovery) {
		this.recovery = recovery;
	}

	/** Rebuilds the schedule's Redis state from PostgreSQL; safe to run at any time. */
	@PostMapping("/api/admin/schedules/{scheduleId}/rebuild")
	@Answer(status = 200, body = Rebuilt.class, description = "The schedule's Redis state, rebuilt from PostgreSQL")
	@Problems(SCHEDULE_NOT_FOUND)
	Mono<ResponseEntity<Object>> rebuild(@PathVariable long scheduleId) {
		return this.recovery.rebuild(scheduleId)
			.map(restored -> ResponseEntity.ok().<Object>body(new Rebuilt(scheduleId, restored)))
			.defaultIfEmpty(Problem.response(Problem.scheduleNotFound()));
	}

	/** {@code restored}: the reservations restored into Redis. */
	record Rebuilt(long scheduleId, long restored) {
	}

}
