package dev.stagedoor.queue;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.limits.BucketState;
import dev.stagedoor.limits.LimitProblems;
import dev.stagedoor.web.ApiDoc.Answer;
import dev.stagedoor.web.ApiDoc.Event;
import dev.stagedoor.web.ApiDoc.EventStream;
import dev.stagedoor.web.ApiDoc.Problems;
import dev.stagedoor.web.ClientAddresses;
import dev.stagedoor.web.InternalCaller;
import dev.stagedoor.web.Problem;
import dev.stagedoor.web.ProblemException;

import static dev.stagedoor.web.ProblemCode.CONCERT_NOT_FOUND;
import static dev.stagedoor.web.ProblemCode.NOT_IN_QUEUE;
import static dev.stagedoor.web.ProblemCode.RATE_LIMITED;

@RestController
@RequestMapping("/api/concerts/{concertId}/queue")
class QueueController {

	private final WaitingRoom room;

	private final QueueStreams streams;

	private final EarlyPolls earlyPolls;

	private final ClientAddresses addresses;

	QueueController(WaitingRoom room, QueueStreams streams, EarlyPolls earlyPolls, ClientAddresses addresses) {
		this.room = room;
		this.addresses = addresses;
		this.streams = streams;
		this.earlyPolls = earlyPolls;
	}

	@PostMapping
	@Answer(status = 201, body = QueueView.class, headers = "Retry-After",
			description = "First entry: the new place (WAITING), or an admission; poll again after pollAfterSeconds")
	@Answer(status = 200, body = QueueView.class, headers = "Retry-After",
			description = "Entered before: the same place or admission; poll again after pollAfterSeconds")
	@Problems({ CONCERT_NOT_FOUND, RATE_LIMITED })
	Mono<ResponseEntity<Object>> enter(@PathVariable long concertId, Authentication caller,
			ServerWebExchange exchange) {
		String user = caller.getName();
		// the instance's own warm-up fans all come from one place: no per-address cap for them
		String address = InternalCaller.is(caller) ? null : this.addresses.of(exchange);
		return this.room.enter(concertId, user, address).map(entered -> {
			this.earlyPolls.answered(concertId, user, entered.outcome());
			ResponseEntity<Object> response = toResponse(entered.outcome());
			return ResponseEntity.status(response.getStatusCode())
				.headers(response.getHeaders())
				.headers(headers -> BucketState.writeHeaders(headers, entered.buckets()))
				.body(response.getBody());
		});
	}

	@GetMapping
	@Answer(status = 200, body = QueueView.class, headers = "Retry-After",
			description = "The caller's place or admission; marks the caller seen. Poll again after pollAfterSeconds: "
					+ "a poll before half of it has passed gets the last answer again (not marked seen)")
	@Problems({ NOT_IN_QUEUE, CONCERT_NOT_FOUND, RATE_LIMITED })
	Mono<ResponseEntity<Object>> status(@PathVariable long concertId, Authentication caller) {
		String user = caller.getName();
		return Mono.justOrEmpty(this.earlyPolls.early(concertId, user))
			.switchIfEmpty(Mono.defer(() -> this.room.status(concertId, user)
				.doOnNext(outcome -> this.earlyPolls.answered(concertId, user, outcome))))
			.map(QueueController::toResponse);
	}

	@GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@EventStream(description = "Follows the caller's place until ADMITTED (or the place is gone), then completes. "
			+ "Progress (position, ETA) is paced by the ETA: every ETA ÷ 5, from 500 ms to 15 s; ADMITTED at once. "
			+ "An open stream counts as being seen.",
			value = @Event(name = "status", data = QueueView.class,
					description = "The place (WAITING: position, etaSeconds, expiresAt) or the admission (ADMITTED: token, expiresAt)"))
	@Problems({ NOT_IN_QUEUE, CONCERT_NOT_FOUND, RATE_LIMITED })
	Flux<ServerSentEvent<QueueView>> stream(@PathVariable long concertId, Authentication caller) {
		String user = caller.getName();
		return this.room.status(concertId, user).flatMapMany(outcome -> {
			if (outcome instanceof QueueOutcome.Placed placed) {
				return this.streams.follow(concertId, user, placed.view());
			}
			return Flux.error(new ProblemException(problem(outcome)));
		});
	}

	@DeleteMapping
	@Answer(status = 204, description = "Left the queue (also when the caller had no place)")
	Mono<ResponseEntity<Object>> leave(@PathVariable long concertId, Authentication caller) {
		this.earlyPolls.forget(concertId, caller.getName());
		return this.room.leave(concertId, caller.getName()).thenReturn(ResponseEntity.noContent().build());
	}

	static ResponseEntity<Object> toResponse(QueueOutcome outcome) {
		if (outcome instanceof QueueOutcome.Placed placed) {
			return ResponseEntity.status(placed.created() ? HttpStatus.CREATED : HttpStatus.OK)
				.header(HttpHeaders.RETRY_AFTER, String.valueOf(placed.pollAfterSeconds()))
				.body(placed.view().polledAgainAfter(placed.pollAfterSeconds()));
		}
		if (outcome instanceof QueueOutcome.AddressLimited limited) {
			return LimitProblems.rateLimitedResponse(limited.retryAfterSeconds(), "queue-entries-per-address");
		}
		if (outcome instanceof QueueOutcome.RateLimited limited) {
			return LimitProblems.rateLimitedResponse(limited.retryAfterSeconds(), limited.policy());
		}
		return Problem.response(problem(outcome));
	}

	private static ProblemDetail problem(QueueOutcome outcome) {
		if (outcome instanceof QueueOutcome.NotInQueue) {
			return Problem.of(HttpStatus.NOT_FOUND, "not-in-queue", "You have no place in this waiting room.");
		}
		return Problem.concertNotFound();
	}

}
