package dev.stagedoor.queue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The application's own admission ticker, which the other tests switch off, and what it tells queue streams. */
@IntegrationTest
// its own settings or infrastructure: closed after the class so its background jobs never
// run next to the shared context's
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
// queue streams never tick here (the first tick would come after an hour): a follower can only
// hear of its admission from the admission step itself; nor does a tick see the follower, so
// its place must outlast the wait without being seen (an idle timeout of a minute, not 2 s)
@TestPropertySource(properties = { "stagedoor.queue.admission-interval=50ms", "stagedoor.queue.poll-interval=1h",
		"stagedoor.queue.idle-timeout=1m" })
class AdmissionTickerIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Test
	void runningApplicationAdmitsWaitingUsers() {
		long concert = Concerts.create(this.port, "ticker");
		this.room.enter(concert, "a").block();
		this.room.enter(concert, "b").block();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.room.stats(concert).block().admittedTotal() == 2);
	}

	@Test
	void aFollowerHearsOfItsAdmissionFromTheAdmissionStepWithoutWaitingForAStreamTick() {
		long concert = Concerts.create(this.port, "pushed admission");
		// one admission a second: the three ahead go first, so the stream is open well before the follower's turn
		Concerts.configureQueue(this.port, concert, 100, 1, 600);
		for (String ahead : List.of("ahead-1", "ahead-2", "ahead-3")) {
			this.room.enter(concert, ahead).block();
		}
		this.room.enter(concert, "follower").block();
		Flux<QueueView> statuses = StagedoorClient.on(this.port)
			.queueEvents(TestTokens.user("follower"), concert, QueueStreamIntegrationTests.EVENT)
			.filter(event -> "status".equals(event.event()))
			.map(ServerSentEvent::data);
		statuses.as(StepVerifier::create)
			.assertNext(first -> assertThat(first.status()).isEqualTo(QueueView.Status.WAITING))
			.thenConsumeWhile(view -> view.status() == QueueView.Status.WAITING)
			.assertNext(admitted -> {
				assertThat(admitted.status()).isEqualTo(QueueView.Status.ADMITTED);
				assertThat(admitted.token()).isNotBlank();
			})
			.expectComplete()
			.verify(Duration.ofSeconds(20));
	}

}
