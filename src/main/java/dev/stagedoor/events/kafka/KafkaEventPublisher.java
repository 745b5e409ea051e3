package dev.stagedoor.events.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.events.EventProperties;
import dev.stagedoor.events.EventPublisher;
import dev.stagedoor.events.ReservationEvent;

/**
 * reactor-kafka behind {@link EventPublisher}: idempotent producer, acks=all, key =
 * reservation id (one partition per reservation keeps its events in order). reactor-kafka
 * is discontinued upstream; replacing it touches only this package.
 */
@Component
class KafkaEventPublisher implements EventPublisher, DisposableBean {

	private final KafkaSender<String, String> sender;

	private final JsonMapper json;

	private final EventProperties properties;

	private final KafkaTopics topics;

	private final MeterRegistry meters;

	KafkaEventPublisher(@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers, EventProperties properties,
			JsonMapper json, KafkaTopics topics, MeterRegistry meters) {
		Map<String, Object> config = new java.util.HashMap<>();
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
		config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
		config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
		config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
		this.sender = KafkaSender.create(SenderOptions.<String, String>create(config).stopOnError(false));
		this.json = json;
		this.properties = properties;
		this.topics = topics;
		this.meters = meters;
	}

	@Override
	public Mono<Void> publish(List<ReservationEvent> events) {
		return send(Flux.fromIterable(events)
			.map(event -> new ProducerRecord<>(this.properties.topic(), event.reservationId(),
					this.json.writeValueAsString(event))));
	}

	@Override
	public Mono<Void> deadLetter(String key, String payload, String reason, String source) {
		ProducerRecord<String, String> record = new ProducerRecord<>(this.properties.deadLetterTopic(), key, payload);
		record.headers().add("stagedoor-dlt-reason", String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
		record.headers().add("stagedoor-dlt-source", source.getBytes(StandardCharsets.UTF_8));
		// source is the relay or a consumer group: a handful of values
		return send(Flux.just(record)).doOnSuccess(done -> Counter.builder("stagedoor.dead.letters")
			.description("Records sent to the dead-letter topic, by who gave up on them")
			.tag("source", source)
			.register(this.meters)
			.increment());
	}

	private Mono<Void> send(Flux<ProducerRecord<String, String>> records) {
		return this.topics.ready()
			.thenMany(this.sender.send(records.map(record -> SenderRecord.create(record, null))))
			.concatMap(result -> result.exception() != null ? Mono.<Void>error(result.exception()) : Mono.<Void>empty())
			.then()
			.doOnError(ex -> this.topics.ensureInBackground());
	}

	@Override
	public void destroy() {
		this.sender.close();
	}

}
