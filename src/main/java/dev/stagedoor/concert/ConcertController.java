package dev.stagedoor.concert;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.Problem;

import static dev.stagedoor.web.ProblemCode.CONCERT_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.VALIDATION_FAILED;

@RestController
class ConcertController {

	private final ConcertRepository concerts;

	private final WaitingRoom waitingRoom;

	ConcertController(ConcertRepository concerts, WaitingRoom waitingRoom) {
		this.concerts = concerts;
		this.waitingRoom = waitingRoom;
	}

	@PostMapping("/api/admin/concerts")
	@ResponseStatus(HttpStatus.CREATED)
	Mono<Concert> create(@Valid @RequestBody NewConcert request) {
		return this.concerts.insert(request.title().strip(), request.venue().strip())
			.flatMap(concert -> this.waitingRoom.open(concert.id()).thenReturn(concert));
	}

	@GetMapping("/api/concerts")
	Flux<Concert> list() {
		return this.concerts.findAll();
	}

	/** One concert, as an element of the list; 404 {@code concert-not-found}. */
	@GetMapping("/api/concerts/{concertId}")
	@Answer(status = 200, body = Concert.class, description = "The concert")
	@Problems({ VALIDATION_FAILED, CONCERT_NOT_FOUND })
	Mono<ResponseEntity<Object>> get(@PathVariable long concertId) {
		return this.concerts.findById(concertId)
			.map(concert -> ResponseEntity.ok().<Object>body(concert))
			.defaultIfEmpty(Problem.response(Problem.concertNotFound()));
	}

	record NewConcert(@NotBlank @Size(max = 200) String title, @NotBlank @Size(max = 200) String venue) {
	}

}
