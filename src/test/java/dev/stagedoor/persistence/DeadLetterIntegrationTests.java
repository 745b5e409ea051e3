package dev.stagedoor.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.IntegrationTest;
import dev.stagedoor.events.ReservationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Records that can never be processed go to {@code <topic>.DLT} with the reason, and consumption goes on. */
@IntegrationTest
class DeadLetterIntegrationTests {

	@Value("${spring.kafka.bootstrap-servers}")
	String bootstrap;

	@Value("${stagedoor.kafka.topic}")
	String topic;

	@Autowired
	DatabaseClient db;

	@Autowired
	JsonMapper json;

	@Test
	void unreadableAndInvalidRecordsGoToTheDeadLetterTopicAndLaterEventsStillArrive() throws Exception {
		String key = "dlt-" + UUID.randomUUID();
		String id = "999-" + key;
		ReservationEvent invalid = new ReservationEvent(id + ":1", "HELD", id, 999, "dlt-user", "not,seats", 1, "HELD", 1,
				System.currentTimeMillis(), null);
		ReservationEvent valid = new ReservationEvent(id + ":2", "RELEASED", id, 999, "dlt-user", "5", 1, "CANCELLED",
				2, System.currentTimeMillis(), null);
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrap, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
				StringSerializer.class, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
			producer.send(new ProducerRecord<>(this.topic, id, "{not json")).get();
			producer.send(new ProducerRecord<>(this.topic, id, this.json.writeValueAsString(invalid))).get();
			producer.send(new ProducerRecord<>(this.topic, id, this.json.writeValueAsString(valid))).get();
		}

		await().atMost(Duration.ofSeconds(30)).until(() -> this.db
			.sql("SELECT count(*) AS n FROM reservation_event WHERE reservation_id = :id")
			.bind("id", id)
			.map(row -> row.get("n", Long.class))
			.one()
			.block() == 1);

		List<ConsumerRecord<String, String>> dead = new ArrayList<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrap, ConsumerConfig.GROUP_ID_CONFIG,
				"dlt-reader-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
			consumer.subscribe(List.of(this.topic + ".DLT"));
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(record -> {
					if (id.equals(record.key())) {
						dead.add(record);
					}
				});
				return source(dead, PersistenceConsumer.GROUP).size() >= 2
						&& !source(dead, "stagedoor-cancellation").isEmpty();
			});
		}
		assertThat(source(dead, PersistenceConsumer.GROUP)).extracting(ConsumerRecord::value)
			.containsExactly("{not json", this.json.writeValueAsString(invalid));
		// the cancellation worker cannot read the broken record either; the invalid event is
		// not its business (it only acts on CANCEL_REQUESTED)
		assertThat(source(dead, "stagedoor-cancellation")).extracting(ConsumerRecord::value).containsExactly("{not json");
		assertThat(dead).allSatisfy(record -> assertThat(
				new String(record.headers().lastHeader("stagedoor-dlt-reason").value(), StandardCharsets.UTF_8))
			.isNotBlank());
	}

	private static List<ConsumerRecord<String, String>> source(List<ConsumerRecord<String, String>> records,
			String source) {
		return records.stream()
			.filter(record -> source.equals(
					new String(record.headers().lastHeader("stagedoor-dlt-source").value(), StandardCharsets.UTF_8)))
			.toList();
	}

}
