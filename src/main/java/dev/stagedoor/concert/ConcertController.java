package dev.stagedoor.concert;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.queue.WaitingRoom;

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

	record NewConcert(@NotBlank @Size(max = 200) String title, @NotBlank @Size(max = 200) String venue) {
	}

}
