package dev.stagedoor.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.Api;
import dev.stagedoor.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server-side request timeout, against routes that are slow on purpose (registered for
 * this class only) with a 1 s timeout: a request running past it is answered 503 with
 * Retry-After instead of hanging; one that answers in time and an event stream that runs
 * longer are untouched.
 */
@IntegrationTest
@TestPropertySource(properties = "stagedoor.web.request-timeout=1s")
class RequestTimeoutIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void aRequestThatWouldNeverBeAnsweredGets503WithRetryAfterAtTheTimeout() {
		long began = System.nanoTime();
		Map<?, ?> problem = Api.user(this.port, "patient")
			.get()
			.uri("/api/test/never")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "1")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		Duration took = Duration.ofNanos(System.nanoTime() - began);

		assertThat(problem.get("code")).isEqualTo("unavailable");
		assertThat(problem.get("status")).isEqualTo(503);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void aSlowPostIsCutToo() {
		Api.user(this.port, "poster")
			.post()
			.uri("/api/test/never")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody(Map.class)
			.value(body -> assertThat(body).containsEntry("code", "unavailable"));
	}

	@Test
	void aRequestAnsweredWithinTheTimeoutIsUntouched() {
		Api.user(this.port, "quick")
			.get()
			.uri("/api/test/in-time")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("in time");
	}

	@Test
	void anEventStreamRunsPastTheTimeout() {
		List<String> events = Api.user(this.port, "follower")
			.get()
			.uri("/api/test/slow/stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseBody()
			.collectList()
			.block(Duration.ofSeconds(20));

		assertThat(events).containsExactly("first", "after the timeout");
	}

	@Test
	void aStreamOnAnyPathIsLeftAloneOnceItHasStarted() {
		List<String> events = Api.user(this.port, "follower")
			.get()
			.uri("/api/test/slow-events")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseBody()
			.collectList()
			.block(Duration.ofSeconds(20));

		assertThat(events).containsExactly("first", "after the timeout");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SlowRoutes {

		@Bean
		SlowController slowController() {
			return new SlowController();
		}

	}

	@RestController
	static class SlowController {

		@GetMapping("/api/test/never")
		Mono<String> never() {
			return Mono.never();
		}

		@PostMapping("/api/test/never")
		Mono<String> neverPost() {
			return Mono.never();
		}

		@GetMapping("/api/test/in-time")
		Mono<String> inTime() {
			return Mono.just("in time").delayElement(Duration.ofMillis(200));
		}

		@GetMapping(path = "/api/test/slow/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<ServerSentEvent<String>> stream() {
			return twoEvents();
		}

		/** Not under …/stream and asked for without Accept: exempt because the answer started as a stream. */
		@GetMapping(path = "/api/test/slow-events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<ServerSentEvent<String>> events() {
			return twoEvents();
		}

		private static Flux<ServerSentEvent<String>> twoEvents() {
			return Flux.concat(Mono.just(ServerSentEvent.builder("first").build()),
					Mono.delay(Duration.ofMillis(2_500)).map(tick -> ServerSentEvent.builder("after the timeout").build()));
		}

	}

}
