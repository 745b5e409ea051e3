package dev.stagedoor.web;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

import dev.stagedoor.Api;
import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static dev.stagedoor.web.ApiErrorsIntegrationTests.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/prometheus}: Stagedoor's own meters count what a sale did, and only an
 * admin may read them (or {@code /actuator/metrics}).
 */
@IntegrationTest
class MetricsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Value("${spring.kafka.bootstrap-servers}")
	String bootstrap;

	@Value("${stagedoor.kafka.topic}")
	String topic;

	@Test
	void metricsAreForAdminsOnly() {
		for (String path : List.of("/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/jvm.threads.live")) {
			expectProblem(Api.anonymous(this.port).get().uri(path).exchange(), 401, "unauthorized");
			expectProblem(Api.user(this.port, "curious-fan").get().uri(path).exchange(), 403, "forbidden");
			Api.admin(this.port).get().uri(path).exchange().expectStatus().isOk();
		}
		Api.anonymous(this.port).get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		Api.anonymous(this.port).get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
	}

	@Test
	void aSaleShowsInTheMeters() throws Exception {
		Drop drop = Drops.create(this.port, "metrics", 1, 3);
		String concert = String.valueOf(drop.concertId());
		String schedule = String.valueOf(drop.scheduleId());
		String buyer = "metered-" + UUID.randomUUID();
		String other = "metered-" + UUID.randomUUID();
		Fans fans = new Fans(this.port);
		Scrape before = scrape();

		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), List.of(buyer, other));
		Fans.Reply held = fans.hold(buyer, tokens.get(buyer), drop.scheduleId(), List.of(drop.seatIds().get(0))).block();
		assertThat(held.status()).isEqualTo(201);
		assertThat(fans.hold(other, tokens.get(other), drop.scheduleId(), List.of(drop.seatIds().get(0))).block().status())
			.as("the seat is taken")
			.isEqualTo(409);
		assertThat(fans.hold(other, "not-a-queue-token", drop.scheduleId(), List.of(drop.seatIds().get(1))).block()
			.status()).isEqualTo(403);
		assertThat(fans.charge(buyer, "metrics", 100).block().status()).isEqualTo(201);
		assertThat(fans.pay(buyer, (String) held.body().get("id")).block().status()).isEqualTo(200);
		Fans.Reply unpaid = fans.hold(other, tokens.get(other), drop.scheduleId(), List.of(drop.seatIds().get(1)))
			.block();
		assertThat(fans.pay(other, (String) unpaid.body().get("id")).block().status()).as("no points").isEqualTo(402);
		assertThat(fans.cancel(other, (String) unpaid.body().get("id")).block().status()).isEqualTo(200);
		sendUnreadableEvent();

		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
			Scrape now = scrape();
			assertThat(now.delta(before, "stagedoor_holds_total", "outcome", "held")).isEqualTo(2);
			assertThat(now.delta(before, "stagedoor_holds_total", "outcome", "unavailable")).isEqualTo(1);
			assertThat(now.delta(before, "stagedoor_holds_total", "outcome", "not-admitted")).isEqualTo(1);
			assertThat(now.delta(before, "stagedoor_holds_total", "outcome", "limit")).isZero();
			assertThat(now.delta(before, "stagedoor_payments_total", "outcome", "confirmed")).isEqualTo(1);
			assertThat(now.delta(before, "stagedoor_payments_total", "outcome", "insufficient-points")).isEqualTo(1);
			assertThat(now.delta(before, "stagedoor_cancellations_total", "outcome", "cancelled")).isEqualTo(1);
			assertThat(now.delta(before, "stagedoor_queue_admissions_total", "concert", concert)).isEqualTo(2);
			// the gauges refreshed in the background
			assertThat(now.value("stagedoor_queue_admitted", "concert", concert)).isEqualTo(2);
			assertThat(now.value("stagedoor_queue_active", "concert", concert)).isEqualTo(2);
			assertThat(now.value("stagedoor_queue_waiting", "concert", concert)).isZero();
			assertThat(now.value("stagedoor_seats", "schedule", schedule, "status", "SOLD")).isEqualTo(1);
			assertThat(now.value("stagedoor_seats", "schedule", schedule, "status", "AVAILABLE")).isEqualTo(2);
			assertThat(now.value("stagedoor_seats", "schedule", schedule, "status", "HELD")).isZero();
			assertThat(now.find("stagedoor_outbox_backlog", "schedule", schedule)).isEqualTo(0.0);
			// HELD, PAYING, CONFIRMED + HELD, PAYING, HELD, CANCELLED: seven events relayed and persisted
			assertThat(now.delta(before, "stagedoor_relay_publish_seconds_count", "outcome", "published"))
				.isPositive();
			assertThat(now.delta(before, "stagedoor_persistence_lag_seconds_count")).isGreaterThanOrEqualTo(7);
			assertThat(now.find("stagedoor_persistence_lag_seconds_bucket", "le", "+Inf")).isNotNull();
			assertThat(now.find("stagedoor_relay_publish_seconds_bucket", "outcome", "published", "le", "+Inf"))
				.isNotNull();
			assertThat(now.find("stagedoor_cancellations_completed_total")).isNotNull();
			assertThat(now.find("stagedoor_cancellations_stuck")).isNotNull();
			assertThat(now.delta(before, "stagedoor_dead_letters_total", "source", "stagedoor-persistence"))
				.isGreaterThanOrEqualTo(1);
		});
	}

	@Test
	void openStreamsAreCountedByKind() {
		Drop drop = Drops.create(this.port, "metered stream", 1, 2);
		double before = scrape().value("stagedoor_streams_open", "kind", "seats");
		Disposable stream = WebClient.create("http://localhost:" + this.port)
			.get()
			.uri("/api/schedules/{id}/seats/stream", drop.scheduleId())
			.headers(h -> h.setBearerAuth(TestTokens.user("stream-watcher")))
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.subscribe();
		try {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(scrape().value("stagedoor_streams_open", "kind", "seats"))
					.isEqualTo(before + 1));
		}
		finally {
			stream.dispose();
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(scrape().value("stagedoor_streams_open", "kind", "seats")).isEqualTo(before));
		assertThat(scrape().find("stagedoor_streams_open", "kind", "queue")).isNotNull();
		assertThat(scrape().find("stagedoor_streams_open", "kind", "reservation")).isNotNull();
	}

	/** A record no consumer can read: each consumer group dead-letters it once. */
	private void sendUnreadableEvent() throws Exception {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrap, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
				StringSerializer.class, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
			producer.send(new ProducerRecord<>(this.topic, "metrics-" + UUID.randomUUID(), "{not json")).get();
		}
	}

	private Scrape scrape() {
		WebTestClient admin = Api.admin(this.port);
		String text = admin.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return Scrape.parse(text);
	}

	/** The samples of one scrape in the Prometheus text format: name, labels, value. */
	record Scrape(List<Sample> samples) {

		static Scrape parse(String text) {
			List<Sample> samples = text.lines()
				.filter(line -> !line.isBlank() && !line.startsWith("#"))
				.map(Sample::parse)
				.toList();
			return new Scrape(samples);
		}

		/** The value of the one sample with this name and these labels (among others); null if none. */
		Double find(String name, String... labels) {
			List<Sample> matching = this.samples.stream().filter(sample -> sample.matches(name, labels)).toList();
			assertThat(matching.size()).as("samples of %s %s", name, List.of(labels)).isLessThanOrEqualTo(1);
			return matching.isEmpty() ? null : matching.get(0).value();
		}

		/** Like {@link #find}, 0 when there is no such sample (a meter not registered yet). */
		double value(String name, String... labels) {
			Double value = find(name, labels);
			return value == null ? 0 : value;
		}

		double delta(Scrape before, String name, String... labels) {
			return value(name, labels) - before.value(name, labels);
		}

	}

	record Sample(String name, Map<String, String> labels, double value) {

		static Sample parse(String line) {
			int brace = line.indexOf('{');
			int space = line.lastIndexOf(' ');
			Map<String, String> labels = new HashMap<>();
			String name;
			if (brace >= 0) {
				name = line.substring(0, brace);
				String body = line.substring(brace + 1, line.lastIndexOf('}'));
				for (String pair : body.split("\",")) {
					if (pair.isBlank()) {
						continue;
					}
					int eq = pair.indexOf('=');
					labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 2).replace("\"", ""));
				}
			}
			else {
				name = line.substring(0, space).trim();
			}
			return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
		}

		boolean matches(String name, String... labels) {
			if (!this.name.equals(name)) {
				return false;
			}
			for (int i = 0; i < labels.length; i += 2) {
				if (!labels[i + 1].equals(this.labels.get(labels[i]))) {
					return false;
				}
			}
			return true;
		}

	}

}
