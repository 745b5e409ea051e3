package dev.stagedoor.persistence;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;

import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.events.ReservationEvent;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Redis outbox → Kafka (a real in-process KRaft broker) → PostgreSQL. */
@IntegrationTest
class EventPipelineIntegrationTests {

	static final Duration PIPELINE = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	SeatCatalog catalog;

	@Autowired
	dev.stagedoor.support.RedisKeyspace keyspace;

	@Autowired
	ReservationRecords records;

	@Autowired
	PersistenceConsumer consumer;

	@Autowired
	JsonMapper json;

	@Value("${spring.kafka.bootstrap-servers}")
	String bootstrap;

	@Value("${stagedoor.kafka.topic}")
	String topic;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	DatabaseClient db;

	@Test
	void holdAndReleaseReachPostgres() {
		Drop drop = Drops.create(this.port, "pipeline", 1, 4);
		String token = Admissions.admit(this.room, drop.concertId(), "durable-fan");
		String id = hold(drop, "durable-fan", token, drop.seatIds().subList(0, 2));

		await().atMost(PIPELINE).untilAsserted(() -> assertThat(mine("durable-fan")).anySatisfy(r -> {
			assertThat(r).containsEntry("id", id).containsEntry("state", "HELD").containsEntry("version", 1)
				.containsEntry("amount", 200);
			assertThat(r.get("seatIds")).isEqualTo(drop.seatIds().subList(0, 2).stream().map(Long::intValue).toList());
		}));
		StagedoorClient.on(this.port).cancel(TestTokens.user("durable-fan"), id).block(Duration.ofSeconds(30)).expect(200);
		await().atMost(PIPELINE).untilAsserted(() -> assertThat(mine("durable-fan"))
			.anySatisfy(r -> assertThat(r).containsEntry("id", id).containsEntry("state", "CANCELLED")));
		assertThat(eventTypes(id)).containsExactly("HELD", "RELEASED");
		assertThat(mine("someone-else")).noneMatch(r -> id.equals(r.get("id")));
	}

	@Test
	void theSameEventTwiceChangesNothing() {
		ReservationEvent event = event(reservationId("dup"), 1, "HELD");
		assertThat(this.records.applyAll(List.of(event)).block()).isEqualTo(1);
		assertThat(this.records.applyAll(List.of(event)).block()).isZero();
		assertThat(eventTypes(event.reservationId())).containsExactly("HELD");
	}

	@Test
	void eventsAppliedOutOfOrderEndInTheNewestState() {
		String id = reservationId("ooo");
		ReservationEvent held = event(id, 1, "HELD");
		ReservationEvent paying = event(id, 2, "PAYING");
		ReservationEvent confirmed = event(id, 3, "CONFIRMED");
		this.records.applyAll(List.of(confirmed)).block();
		this.records.applyAll(List.of(held)).block();
		this.records.applyAll(List.of(paying)).block();

		Map<String, Object> row = this.db.sql("SELECT state, version FROM reservation WHERE id = :id")
			.bind("id", held.reservationId())
			.fetch()
			.one()
			.block();
		assertThat(row).containsEntry("state", "CONFIRMED").containsEntry("version", 3L);
		assertThat(eventTypes(held.reservationId())).hasSize(3);
	}

	@Test
	void aBatchWithSeveralVersionsOfOneReservationAndDuplicatesEndsInTheNewestState() {
		String id = reservationId("batch");
		String other = reservationId("batch-other");
		ReservationEvent held = event(id, 1, "HELD");
		ReservationEvent paying = event(id, 2, "PAYING");
		ReservationEvent confirmed = event(id, 3, "CONFIRMED");
		ReservationEvent otherHeld = event(other, 1, "HELD");
		assertThat(this.records.applyAll(List.of(held)).block()).isEqualTo(1);

		Long recorded = this.records.applyAll(List.of(confirmed, otherHeld, held, paying, confirmed)).block();

		assertThat(recorded).isEqualTo(3);
		assertThat(this.db.sql("SELECT state, version FROM reservation WHERE id = :id")
			.bind("id", id)
			.fetch()
			.one()
			.block()).containsEntry("state", "CONFIRMED").containsEntry("version", 3L);
		assertThat(eventTypes(id)).hasSize(3);
		assertThat(eventTypes(other)).containsExactly("HELD");
		assertThat(this.records.applyAll(List.of(paying, held, otherHeld)).block()).isZero();
	}

	@Test
	void overlappingBatchesWrittenAtOnceNeverDeadlockAndEndInTheNewestStates() {
		// two consumers (a rebalance, a replay) may write batches that share reservations,
		// in any order; rows are written in key order, so none waits in a cycle
		List<String> ids = java.util.stream.IntStream.range(0, 40).mapToObj(i -> reservationId("overlap-" + i)).toList();
		List<ReservationEvent> all = new java.util.ArrayList<>();
		for (String id : ids) {
			for (long version = 1; version <= 3; version++) {
				all.add(event(id, version, version == 1 ? "HELD" : version == 2 ? "PAYING" : "CONFIRMED"));
			}
		}
		java.util.Random random = new java.util.Random(7);
		List<List<ReservationEvent>> batches = java.util.stream.IntStream.range(0, 16).mapToObj(b -> {
			List<ReservationEvent> batch = new java.util.ArrayList<>(all);
			java.util.Collections.shuffle(batch, random);
			return batch.subList(0, 60);
		}).toList();

		List<Long> recorded = reactor.core.publisher.Flux.fromIterable(batches)
			.flatMap(batch -> this.records.applyAll(batch), 16)
			.collectList()
			.block(Duration.ofSeconds(60));

		assertThat(recorded).hasSize(16);
		assertThat(this.db.sql("SELECT count(*) AS n FROM reservation_event WHERE reservation_id = ANY(:ids)")
			.bind("ids", ids.toArray(String[]::new)).fetch().one().block().get("n"))
			.isEqualTo(recorded.stream().mapToLong(Long::longValue).sum());
		Map<String, ReservationEvent> newest = new java.util.HashMap<>();
		batches.forEach(batch -> batch.forEach(e -> newest.merge(e.reservationId(), e,
				(a, b) -> a.version() >= b.version() ? a : b)));
		newest.values().forEach(e -> assertThat(this.db.sql("SELECT version FROM reservation WHERE id = :id")
			.bind("id", e.reservationId()).fetch().one().block()).containsEntry("version", e.version()));
	}

	@Test
	void replayingTheTopicFromTheStartChangesNothing() {
		Drop drop = Drops.create(this.port, "replay", 1, 4);
		String token = Admissions.admit(this.room, drop.concertId(), "replayer");
		String id = hold(drop, "replayer", token, List.of(drop.seatIds().get(0)));
		await().atMost(PIPELINE).until(() -> eventTypes(id).size() == 1);
		List<Map<String, Object>> before = snapshot();

		// every record of the topic, from offset 0 to the end, through the consumer's handler again
		long replayed = 0;
		try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrap, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
				StringDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
			List<TopicPartition> partitions = reader.partitionsFor(this.topic)
				.stream()
				.map(info -> new TopicPartition(this.topic, info.partition()))
				.toList();
			reader.assign(partitions);
			reader.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = reader.endOffsets(partitions);
			long deadline = System.nanoTime() + PIPELINE.toNanos();
			while (partitions.stream().anyMatch(p -> reader.position(p) < end.get(p))) {
				assertThat(System.nanoTime()).as("replay finished in time").isLessThan(deadline);
				List<ReservationEvent> batch = new java.util.ArrayList<>();
				for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
					try {
						batch.add(this.json.readValue(record.value(), ReservationEvent.class));
					}
					catch (RuntimeException ex) {
						// not an event: the dead-letter test's records
					}
				}
				for (ReservationEvent event : batch) {
					// the batch as polled, and each event alone: neither changes anything
					this.consumer.handle(List.of(event)).onErrorResume(ex -> reactor.core.publisher.Mono.empty()).block();
				}
				this.consumer.handle(batch).onErrorResume(ex -> reactor.core.publisher.Mono.empty()).block();
				replayed += batch.size();
			}
		}
		assertThat(replayed).isGreaterThanOrEqualTo(1);
		assertThat(snapshot()).isEqualTo(before);
	}

	@Test
	void anEntryLeftPendingByADeadInstanceIsPublishedByAnother() {
		Drop drop = Drops.create(this.port, "takeover", 1, 4);
		String stream = dev.stagedoor.events.OutboxKeys.of(this.keyspace, drop.scheduleId()).outbox();
		ReservationEvent orphan = event(reservationId("orphan"), 1, "HELD");
		// atomically (so the live relay cannot take it first): the entry is appended and read by
		// a relay instance "dead-instance", which then dies before Kafka acknowledged it
		String appendAndStrand = """
				redis.call('XADD', KEYS[1], '*', unpack(ARGV))
				pcall(redis.call, 'XGROUP', 'CREATE', KEYS[1], 'relay', '0')
				return #redis.call('XREADGROUP', 'GROUP', 'relay', 'dead-instance', 'COUNT', 100, 'STREAMS', KEYS[1], '>')
				""";
		List<String> args = new java.util.ArrayList<>();
		fields(orphan).forEach((k, v) -> {
			args.add(k);
			args.add(v);
		});
		this.redis.execute(org.springframework.data.redis.core.script.RedisScript.of(appendAndStrand, Long.class),
				List.of(stream), args).blockLast();

		await().atMost(PIPELINE).untilAsserted(() -> assertThat(eventTypes(orphan.reservationId())).containsExactly("HELD"));
		await().atMost(PIPELINE).until(() -> this.redis.opsForStream().size(stream).block() == 0);
	}

	private String hold(Drop drop, String user, String token, List<Long> seats) {
		return (String) new dev.stagedoor.reservation.HoldingClient(this.port).hold(drop.scheduleId(), user, token, seats)
			.get("id");
	}

	private List<Map<String, Object>> mine(String user) {
		return StagedoorClient.on(this.port)
			.myReservations(TestTokens.user(user))
			.block(Duration.ofSeconds(30))
			.expect(200)
			.objects();
	}

	private List<String> eventTypes(String reservationId) {
		return this.db.sql("SELECT type FROM reservation_event WHERE reservation_id = :id ORDER BY version")
			.bind("id", reservationId)
			.map(row -> row.get("type", String.class))
			.all()
			.collectList()
			.block();
	}

	private List<Map<String, Object>> snapshot() {
		return this.db.sql("""
				SELECT r.id, r.state, r.version, r.updated_at, count(s.seat_id) AS seats,
				       (SELECT count(*) FROM reservation_event e WHERE e.reservation_id = r.id) AS events
				FROM reservation r LEFT JOIN reservation_seat s ON s.reservation_id = r.id
				GROUP BY r.id ORDER BY r.id
				""").fetch().all().collectList().block();
	}

	private static String reservationId(String name) {
		return "999-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static ReservationEvent event(String id, long version, String state) {
		long at = System.currentTimeMillis();
		return new ReservationEvent(id + ":" + version, state, id, 999, "pipeline-user", "1,2", 200, state, version,
				at, "HELD".equals(state) ? at + 60_000 : null);
	}

	private static Map<String, String> fields(ReservationEvent e) {
		return Map.of("eventId", e.eventId(), "type", e.type(), "reservationId", e.reservationId(), "scheduleId",
				String.valueOf(e.scheduleId()), "userId", e.userId(), "seatIds", e.seatIds(), "amount",
				String.valueOf(e.amount()), "state", e.state(), "version", String.valueOf(e.version()), "at",
				String.valueOf(e.at()));
	}

}
