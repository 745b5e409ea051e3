package dev.stagedoor.queue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;

import static org.awaitility.Awaitility.await;

/** The application's own admission ticker, which the other tests switch off. */
@IntegrationTest
// its own settings or infrastructure: closed after the class so its background jobs never
// run next to the shared context's
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = "stagedoor.queue.admission-interval=50ms")
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

}
