package dev.stagedoor.events;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.PendingMessage;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.StagedoorApplication;
import dev.stagedoor.TestInfrastructure;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox relay's takeover across processes. Instance A runs in a JVM of its own on the
 * same Redis and PostgreSQL as this test's instance B, but cannot reach Kafka: its relay reads
 * the entries of the holds made through it and keeps them pending (it re-reads them every tick,
 * so they never look idle). A is killed ({@code kill -9}); after
 * {@code stagedoor.kafka.claim-idle} (1 s here) B claims them, publishes them, and the holds
 * reach PostgreSQL, each once.
 */
@IntegrationTest
// this instance relays every 2 s, A every 100 ms: A is all but sure to read the holds first
@TestPropertySource(properties = "stagedoor.kafka.relay-interval=2s")
// a context no other class shares: closed after this one, not kept holding connections
@DirtiesContext
class RelayTakeoverAcrossProcessesTests {

	@Autowired
	WaitingRoom room;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	RedisKeyspace keyspace;

	@Autowired
	DatabaseClient db;

	Process instanceA;

	@AfterEach
	void killA() {
		if (this.instanceA != null) {
			this.instanceA.destroyForcibly();
		}
	}

	@Test
	void entriesPendingWithAKilledInstanceArePublishedByTheOther() throws Exception {
		int portA = freePort();
		Path log = Files.createTempFile("stagedoor-instance-a", ".log");
		this.instanceA = startInstanceA(portA, log);
		WebClient clientA = WebClient.create("http://localhost:" + portA);
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
			.alias("instance A up (its log: " + log + ")")
			.until(() -> clientA.get().uri("/actuator/health/liveness")
				.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
				.block(Duration.ofSeconds(5)) == 200);

		// holds made through A: their HELD events go to the schedule's outbox
		Drop drop = Drops.create(portA, "relay takeover", 1, 6);
		String stream = OutboxKeys.of(this.keyspace, drop.scheduleId()).outbox();
		Fans fansOfA = new Fans(portA);
		List<String> reservations = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String user = "takeover-" + UUID.randomUUID();
			String token = Admissions.admit(this.room, drop.concertId(), user);
			Fans.Reply held = fansOfA.hold(user, token, drop.scheduleId(), List.of(drop.seatIds().get(i)))
				.block(Duration.ofSeconds(30));
			assertThat(held.status()).as("hold through A").isEqualTo(201);
			reservations.add((String) held.body().get("id"));
		}

		// A's relay has read them and cannot publish them: they stay pending with A's consumer
		// (any this instance happened to read first it published: those are not the point)
		String consumerA = this.instanceA.pid() + "@";
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pendingConsumers(stream))
			.as("entries pending, by consumer").anyMatch(consumer -> consumer.startsWith(consumerA)));
		assertThat(persisted(reservations)).as("not all published while A holds some").isLessThan(reservations.size());

		this.instanceA.destroyForcibly().waitFor();

		// B claims them after claim-idle and publishes them: every hold reaches PostgreSQL once
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			assertThat(pendingConsumers(stream)).as("nothing left pending").isEmpty();
			assertThat(persisted(reservations)).isEqualTo(reservations.size());
		});
	}

	/** Starts the application in a JVM of its own, on the test's stores, with Kafka out of reach. */
	private static Process startInstanceA(int port, Path log) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				StagedoorApplication.class.getName()));
		Map<String, Object> properties = new TreeMap<>(TestInfrastructure.properties());
		properties.put("server.port", port);
		properties.put("spring.kafka.bootstrap-servers", "127.0.0.1:1");
		properties.put("spring.application.name", "relay-takeover-a");
		properties.forEach((name, value) -> command.add("--" + name + "=" + value));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	/** The consumers of the relay's group that hold pending entries of the stream. */
	private Set<String> pendingConsumers(String stream) {
		return this.redis.opsForStream()
			.pending(stream, OutboxRelay.GROUP, Range.unbounded(), 1000)
			.map(pending -> pending.stream().map(PendingMessage::getConsumerName).collect(Collectors.toSet()))
			.block(Duration.ofSeconds(10));
	}

	/** How many of the reservations PostgreSQL holds. */
	private long persisted(List<String> reservations) {
		return this.db.sql("SELECT count(*) AS n FROM reservation WHERE id IN (:ids)")
			.bind("ids", reservations)
			.map(row -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
