package dev.stagedoor.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class QueueStreamIntegrationTests {

	static final ParameterizedTypeReference<ServerSentEvent<QueueView>> EVENT = new ParameterizedTypeReference<>() {
	};

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Test
	void streamShowsFallingPositionsThenAdmissionThenCompletes() {
		long concert = Concerts.create(this.port, "stream");
		Concerts.configureQueue(this.port, concert, 1, 100, 600);
		this.room.enter(concert, "u1").block();
		this.room.enter(concert, "u2").block();
		this.room.enter(concert, "watcher").block();
		List<String> comments = new CopyOnWriteArrayList<>();

		Flux<QueueView> statuses = stream(concert, "watcher").doOnNext(event -> {
			if (event.comment() != null) {
				comments.add(event.comment());
			}
		}).filter(event -> "status".equals(event.event())).map(ServerSentEvent::data);

		statuses.as(StepVerifier::create)
			.assertNext(view -> assertWaiting(view, 3))
			.then(() -> this.room.admit(concert).block())
			.assertNext(view -> assertWaiting(view, 2))
			.then(() -> {
				this.room.leave(concert, "u1").block();
				this.room.admit(concert).block();
			})
			.assertNext(view -> assertWaiting(view, 1))
			.then(() -> {
				this.room.leave(concert, "u2").block();
				this.room.admit(concert).block();
			})
			.assertNext(view -> {
				assertThat(view.status()).isEqualTo(QueueView.Status.ADMITTED);
				assertThat(view.token()).isNotBlank();
				assertThat(view.position()).isNull();
			})
			.expectComplete()
			.verify(Duration.ofSeconds(20));
		assertThat(comments).contains("heartbeat");
	}

	@Test
	void streamOfUserWithoutPlaceIsNotFound() {
		long concert = Concerts.create(this.port, "no place");
		WebClient.create("http://localhost:" + this.port)
			.get()
			.uri("/api/concerts/{id}/queue/stream", concert)
			.headers(h -> h.setBearerAuth(TestTokens.user("nobody")))
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchangeToMono(response -> response.bodyToMono(String.class)
				.map(body -> response.statusCode().value() + " " + body))
			.as(StepVerifier::create)
			.assertNext(reply -> assertThat(reply).startsWith("404").contains("\"code\":\"not-in-queue\""))
			.verifyComplete();
	}

	private Flux<ServerSentEvent<QueueView>> stream(long concert, String user) {
		return StagedoorClient.on(this.port).queueEvents(TestTokens.user(user), concert, EVENT);
	}

	private static void assertWaiting(QueueView view, long position) {
		assertThat(view.status()).isEqualTo(QueueView.Status.WAITING);
		assertThat(view.position()).isEqualTo(position);
		assertThat(view.token()).isNull();
	}

}
