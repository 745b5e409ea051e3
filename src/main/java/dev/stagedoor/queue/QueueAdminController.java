package dev.stagedoor.queue;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.Problem;

import static dev.stagedoor.web.ProblemCode.CONCERT_NOT_FOUND;

@RestController
@RequestMapping("/api/admin/concerts/{concertId}/queue")
class QueueAdminController {

	private final QueueSettingsRepository settings;

	private final QueueScripts scripts;

	private final WaitingRoom room;

	QueueAdminController(QueueSettingsRepository settings, QueueScripts scripts, WaitingRoom room) {
		this.settings = settings;
		this.scripts = scripts;
		this.room = room;
	}

	/** Saves the settings in PostgreSQL first, then applies them to the live room in Redis. */
	@PutMapping
	@Answer(status = 200, body = SettingsBody.class, description = "The settings, saved and in force")
	@Problems(CONCERT_NOT_FOUND)
	Mono<ResponseEntity<Object>> configure(@PathVariable long concertId, @Valid @RequestBody SettingsBody body) {
		QueueSettings wanted = body.toSettings();
		return this.settings.save(concertId, wanted)
			.flatMap(saved -> this.scripts.configure(concertId, saved).thenReturn(ResponseEntity.ok().<Object>body(body)))
			.defaultIfEmpty(Problem.response(Problem.concertNotFound()));
	}

	@GetMapping
	@Answer(status = 200, body = WaitingRoom.QueueStats.class, description = "The room's counters and settings")
	@Problems(CONCERT_NOT_FOUND)
	Mono<ResponseEntity<Object>> stats(@PathVariable long concertId) {
		return this.room.stats(concertId)
			.map(stats -> ResponseEntity.ok().<Object>body(stats))
			.defaultIfEmpty(Problem.response(Problem.concertNotFound()));
	}

	record SettingsBody(@NotNull @Min(1) @Max(1_000_000) Integer maxActive,
			@NotNull @Min(1) @Max(100_000) Integer admitPerSecond,
			@NotNull @Min(1) @Max(604_800) Integer activeTtlSeconds) {

		QueueSettings toSettings() {
			return new QueueSettings(this.maxActive, this.admitPerSecond, Duration.ofSeconds(this.activeTtlSeconds));
		}

	}

}
