package dev.stagedoor;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import dev.stagedoor.Drops.Drop;
import dev.stagedoor.queue.AdmissionLimits;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two service instances on one Redis Cluster, one database and one Kafka topic: the test's
 * application (A) and a second application context (B) started here with the same
 * properties on another port. Admission schedulers of both keep one room's limits; a
 * reservation held through A is paid through B and cancelled through A, and both see every
 * step.
 */
@OnRedisCluster
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesOnClusterIntegrationTests {

	@LocalServerPort
	int portA;

	@Autowired
	WaitingRoom room;

	@Autowired
	ConfigurableApplicationContext contextA;

	ConfigurableApplicationContext contextB;

	int portB;

	@BeforeAll
	void startInstanceB() {
		// B gets exactly A's effective settings for what they share: the run's stores, the
		// cluster, the test properties of @IntegrationTest; as command-line arguments, so
		// they win over application.yaml as they do for A
		Map<String, Object> properties = new HashMap<>(TestInfrastructure.properties());
		properties.putAll(TestInfrastructure.clusterProperties());
		for (String name : List.of("stagedoor.queue.admission-interval", "stagedoor.queue.admission-burst",
				"stagedoor.queue.poll-interval",
				"stagedoor.queue.heartbeat", "stagedoor.queue.idle-timeout", "stagedoor.queue.stream-max-interval",
				"stagedoor.queue.early-poll-fraction", "stagedoor.kafka.claim-idle")) {
			properties.put(name, this.contextA.getEnvironment().getRequiredProperty(name));
		}
		OtherInstance b = OtherInstance.start(properties);
		this.contextB = b.context();
		this.portB = b.port();
	}

	@AfterAll
	void stopInstanceB() {
		if (this.contextB != null) {
			this.contextB.close();
		}
	}

	@Test
	void admissionSchedulersOfBothInstancesKeepTheRoomsLimits() {
		AdmissionLimits.twoSchedulersKeepTheLimits(this.portA, this.room, this.contextB.getBean(WaitingRoom.class),
				this.contextA.getBean(ReactiveStringRedisTemplate.class), this.contextA.getBean(RedisKeyspace.class));
	}

	@Test
	void heldThroughAPaidThroughBCancelledThroughA() {
		assertThat(this.portB).isNotEqualTo(this.portA);
		Drop drop = Drops.create(this.portA, "two instances", 1, 4);
		String user = "two-" + UUID.randomUUID();
		Fans a = new Fans(this.portA);
		Fans b = new Fans(this.portB);
		assertThat(b.charge(user, UUID.randomUUID().toString(), 1000).block().status()).isEqualTo(201);
		List<Long> seats = drop.seatIds().subList(0, 2);

		String token = Admissions.admit(this.room, drop.concertId(), user);
		Fans.Reply held = a.hold(user, token, drop.scheduleId(), seats).block();
		assertThat(held.status()).as("%s", held).isEqualTo(201);
		String id = (String) held.body().get("id");
		assertThat(b.reservation(user, id).block().state()).isEqualTo("HELD");

		Fans.Reply paid = b.pay(user, id).block();
		assertThat(paid.status()).as("%s", paid).isEqualTo(200);
		assertThat(a.reservation(user, id).block().state()).isEqualTo("CONFIRMED");
		assertThat(a.balance(user).block()).isEqualTo(800);
		seats.forEach(seat -> Drops.awaitSeat(this.portB, drop.scheduleId(), seat, "SOLD"));

		Fans.Reply cancelled = a.cancel(user, id).block();
		assertThat(cancelled.status()).as("%s", cancelled).isIn(200, 202);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(b.reservation(user, id).block().state()).isEqualTo("CANCELLED"));
		assertThat(b.balance(user).block()).isEqualTo(1000);
		seats.forEach(seat -> Drops.awaitSeat(this.portA, drop.scheduleId(), seat, "AVAILABLE"));
	}

}
