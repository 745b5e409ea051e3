package dev.stagedoor.reservation;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
// its own settings or infrastructure: closed after the class so its background jobs never
// run next to the shared context's
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = { "stagedoor.hold.ttl=1500ms", "stagedoor.hold.reaper-interval=200ms" })
class HoldExpiryIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	DatabaseClient db;

	@Test
	void holdExpiresAfterTtlOnceAndTheSeatCanBeHeldAgain() {
		Drop drop = Drops.create(this.port, "expiry", 1, 4);
		var tokens = Admissions.admit(this.room, drop.concertId(), List.of("slow", "quick"));
		Holding holding = new Holding(this.port);
		long seat = drop.seatIds().get(0);
		String id = (String) holding.hold(drop.scheduleId(), "slow", tokens.get("slow"), List.of(seat)).block().body().get("id");
		assertThat(holding.hold(drop.scheduleId(), "quick", tokens.get("quick"), List.of(seat)).block().status())
			.isEqualTo(409);

		StagedoorClient client = StagedoorClient.on(this.port);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
				client.reservation(TestTokens.user("slow"), id).block(Duration.ofSeconds(30)).body())
			.containsEntry("state", "EXPIRED")
			.containsEntry("version", 2));
		assertThat(Drops.statuses(this.port, drop.scheduleId()).get(seat)).isEqualTo("AVAILABLE");
		assertThat(holding.hold(drop.scheduleId(), "quick", tokens.get("quick"), List.of(seat)).block().status())
			.isEqualTo(201);

		// the outbox is relayed to Kafka and on into PostgreSQL: exactly one EXPIRED event arrives
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.db
			.sql("SELECT type FROM reservation_event WHERE reservation_id = :id ORDER BY version")
			.bind("id", id)
			.map(row -> row.get("type", String.class))
			.all()
			.collectList()
			.block()).containsExactly("HELD", "EXPIRED"));
		// the owner cannot release it any more
		assertThat(client.cancel(TestTokens.user("slow"), id).block(Duration.ofSeconds(30)).expect(409).code())
			.isEqualTo("invalid-state");
	}

	@Test
	void seatIsFreeAtTheDeadlineEvenBeforeTheReaperRuns() {
		Drop drop = Drops.create(this.port, "ttl is the truth", 1, 2);
		var tokens = Admissions.admit(this.room, drop.concertId(), List.of("a", "b"));
		Holding holding = new Holding(this.port);
		long seat = drop.seatIds().get(0);
		holding.hold(drop.scheduleId(), "a", tokens.get("a"), List.of(seat)).block();

		// the seat becomes holdable as soon as the TTL key lapses, whatever the reservation hash says
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
			.until(() -> holding.hold(drop.scheduleId(), "b", tokens.get("b"), List.of(seat)).block().status() == 201);
	}

}
