package dev.stagedoor.persistence;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.stagedoor.Api;
import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.KafkaProcess;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.HoldingClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pipeline across a Kafka outage: this context uses its own broker process, stopped and started here. */
@IntegrationTest
// its own settings or infrastructure: closed after the class so its background jobs never
// run next to the shared context's
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@org.springframework.test.context.TestPropertySource(properties = { "stagedoor.cancellation.stuck-after=1s",
		"stagedoor.cancellation.check-interval=200ms" })
class KafkaOutageIntegrationTests {

	static final KafkaProcess kafka = startKafka();

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	DatabaseClient db;

	@DynamicPropertySource
	static void kafka(DynamicPropertyRegistry registry) {
		registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
	}

	@AfterAll
	static void stopKafka() throws Exception {
		kafka.close();
	}

	@Test
	void holdsMadeWhileKafkaIsDownArePersistedOnceWhenItReturns() throws Exception {
		Drop drop = Drops.create(this.port, "kafka outage", 50, 10);
		List<String> fans = IntStream.range(0, 500).mapToObj(i -> "outage-" + i).toList();
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), fans);
		HoldingClient holding = new HoldingClient(this.port);

		kafka.stop();
		List<Object> held = Flux.range(0, 500)
			.flatMap(i -> Mono.fromCallable(() -> holding
				.hold(drop.scheduleId(), fans.get(i), tokens.get(fans.get(i)), List.of(drop.seatIds().get(i)))
				.get("id")).subscribeOn(Schedulers.boundedElastic()), 32)
			.collectList()
			.block(Duration.ofMinutes(2));
		assertThat(held).hasSize(500).doesNotHaveDuplicates();
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Api.admin(this.port).get()
			.uri("/actuator/health").exchange()
			.expectBody().jsonPath("$.components.outboxRelay.status").isEqualTo("DOWN"));
		assertThat(count("SELECT count(*) AS n FROM reservation WHERE schedule_id = :s", drop.scheduleId())).isZero();

		kafka.start();

		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(count("SELECT count(*) AS n FROM reservation WHERE schedule_id = :s",
					drop.scheduleId())).isEqualTo(500));
		assertThat(count("""
				SELECT count(*) AS n FROM reservation_event e JOIN reservation r ON r.id = e.reservation_id
				WHERE r.schedule_id = :s AND e.type = 'HELD'""", drop.scheduleId())).isEqualTo(500);
		assertThat(count("SELECT count(*) AS n FROM reservation WHERE schedule_id = :s AND version <> 1",
				drop.scheduleId())).isZero();
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Api.admin(this.port).get()
			.uri("/actuator/health").exchange()
			.expectBody().jsonPath("$.components.outboxRelay.status").isEqualTo("UP"));
	}

	@Test
	void aCancellationRequestedWhileKafkaIsDownCompletesWithOneRefundWhenItReturns() throws Exception {
		Drop drop = Drops.create(this.port, "cancel during outage", 1, 2);
		String user = "outage-canceller";
		dev.stagedoor.Fans fans = new dev.stagedoor.Fans(this.port);
		String id = dev.stagedoor.Buying.buy(this.port, this.room, drop, user, 1000, List.of(drop.seatIds().get(0)));

		kafka.stop();
		try {
			assertThat(fans.cancel(user, id).block().status()).isEqualTo(202);
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.admin(this.port).get()
				.uri("/actuator/health").exchange()
				.expectBody().jsonPath("$.components.cancellations.status").isEqualTo("DOWN")
				.jsonPath("$.components.cancellations.details.stuck").isEqualTo(1));
			assertThat(fans.reservation(user, id).block().state()).isEqualTo("CANCELLING");
			assertThat(fans.balance(user).block()).isEqualTo(900);
		}
		finally {
			kafka.start();
		}

		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
			.until(() -> "CANCELLED".equals(fans.reservation(user, id).block().state()));
		assertThat(fans.balance(user).block()).isEqualTo(1000);
		assertThat((Long) this.db.sql("SELECT count(*) AS n FROM refund WHERE reservation_id = :r").bind("r", id)
			.fetch().one().block().get("n")).isEqualTo(1);
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(0), "AVAILABLE");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.admin(this.port).get()
			.uri("/actuator/health").exchange()
			.expectBody().jsonPath("$.components.cancellations.status").isEqualTo("UP"));
	}

	private long count(String sql, long schedule) {
		return (Long) this.db.sql(sql).bind("s", schedule).fetch().one().block().get("n");
	}

	private static KafkaProcess startKafka() {
		try {
			KafkaProcess process = new KafkaProcess();
			process.start();
			return process;
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not start the Kafka broker process", ex);
		}
	}

}
