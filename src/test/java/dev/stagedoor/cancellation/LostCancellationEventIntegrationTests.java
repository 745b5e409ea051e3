package dev.stagedoor.cancellation;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import dev.stagedoor.Buying;
import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cancellation whose CANCEL_REQUESTED never reaches the worker (here: the outbox relay is
 * switched off, as if the event were lost or dead-lettered) is finished after
 * {@code resume-after} by the instance that finds it waiting: one refund, CANCELLED.
 */
@IntegrationTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = { "stagedoor.kafka.relay-interval=1h", "stagedoor.cancellation.stuck-after=500ms",
		"stagedoor.cancellation.check-interval=200ms", "stagedoor.cancellation.resume-after=2s" })
class LostCancellationEventIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	DatabaseClient db;

	@Test
	void aCancellationWhoseEventNeverArrivesIsFinishedAfterResumeAfter() {
		Drop drop = Drops.create(this.port, "lost cancel event", 1, 2);
		Fans fans = new Fans(this.port);
		long seat = drop.seatIds().get(0);
		String id = Buying.buy(this.port, this.room, drop, "lost-event", 1000, List.of(seat));
		long requested = System.currentTimeMillis();

		assertThat(fans.cancel("lost-event", id).block().status()).isEqualTo(202);

		await().atMost(Duration.ofSeconds(20))
			.until(() -> "CANCELLED".equals(fans.reservation("lost-event", id).block().state()));
		assertThat(System.currentTimeMillis() - requested).as("not before resume-after").isGreaterThanOrEqualTo(2_000);
		assertThat(fans.balance("lost-event").block()).isEqualTo(1000);
		assertThat((Long) this.db.sql("SELECT count(*) AS n FROM refund WHERE reservation_id = :r").bind("r", id)
			.fetch().one().block().get("n")).isEqualTo(1);
		assertThat(this.db.sql("SELECT completed_at FROM cancellation WHERE reservation_id = :r").bind("r", id)
			.fetch().one().block().get("completed_at")).isNotNull();
		Drops.awaitSeat(this.port, drop.scheduleId(), seat, "AVAILABLE");
	}

}
