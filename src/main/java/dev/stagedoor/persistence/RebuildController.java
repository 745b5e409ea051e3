package dev.stagedoor.persistence;

import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.stagedoor.web.Problem;

@RestController
class RebuildController {

	private final ScheduleRecovery recovery;

	RebuildController(ScheduleRecovery recovery) {
		this.recovery = recovery;
	}

	/** Rebuilds the schedule's Redis state from PostgreSQL; safe to run at any time. */
	@PostMapping("/api/admin/schedules/{scheduleId}/rebuild")
	Mono<ResponseEntity<Object>> rebuild(@PathVariable long scheduleId) {
		return this.recovery.rebuild(scheduleId)
			.map(restored -> ResponseEntity.ok().<Object>body(Map.of("scheduleId", scheduleId, "restored", restored)))
			.defaultIfEmpty(Problem.response(Problem.scheduleNotFound()));
	}

}
