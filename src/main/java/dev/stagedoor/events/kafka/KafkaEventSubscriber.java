package dev.stagedoor.events.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverRecord;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.events.EventProperties;
import dev.stagedoor.events.EventPublisher;
import dev.stagedoor.events.EventSubscriber;
import dev.stagedoor.events.ReservationEvent;

/**
 * reactor-kafka behind {@link EventSubscriber}. Records of a partition are handled one at a
 * time; a record's offset is acknowledged (and so committed) only after its handler
 * completed. Transient failures are retried with backoff forever, holding the partition;
 * poison records go to the dead-letter topic.
 */
@Component
class KafkaEventSubscriber implements EventSubscriber {

	private static final Logger log = LoggerFactory.getLogger(KafkaEventSubscriber.class);

	private final String bootstrapServers;

	private final EventProperties properties;

	private final EventPublisher publisher;

	private final JsonMapper json;

	KafkaEventSubscriber(@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers, EventProperties properties, EventPublisher publisher, JsonMapper json) {
		this.bootstrapServers = bootstrapServers;
		this.properties = properties;
		this.publisher = publisher;
		this.json = json;
	}

	@Override
	public Flux<Void> subscribe(String group, Function<ReservationEvent, Mono<Void>> handler) {
		Map<String, Object> config = new java.util.HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		ReceiverOptions<String, String> options = ReceiverOptions.<String, String>create(config)
			.subscription(List.of(this.properties.topic()))
			.commitInterval(Duration.ofMillis(100));
		return Flux.defer(() -> KafkaReceiver.create(options).receive())
			.groupBy(record -> record.receiverOffset().topicPartition())
			.flatMap(partition -> partition.concatMap(record -> handle(record, handler)), Integer.MAX_VALUE)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500))
				.maxBackoff(Duration.ofSeconds(10))
				.doBeforeRetry(signal -> log.warn("Kafka consumer {} restarts: {}", group, signal.failure().toString())));
	}

	private Mono<Void> handle(ReceiverRecord<String, String> record, Function<ReservationEvent, Mono<Void>> handler) {
		ReservationEvent event;
		try {
			event = this.json.readValue(record.value(), ReservationEvent.class);
		}
		catch (RuntimeException ex) {
			return deadLetter(record, "unreadable event: " + ex.getMessage());
		}
		return Mono.defer(() -> handler.apply(event))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200))
				.maxBackoff(Duration.ofSeconds(5))
				.filter(ex -> !(ex instanceof PoisonEventException))
				.doBeforeRetry(signal -> log.warn("Event {} failed, retrying: {}", event.eventId(),
						signal.failure().toString())))
			.onErrorResume(PoisonEventException.class, ex -> deadLetter(record, ex.getMessage()))
			.then(Mono.fromRunnable(() -> record.receiverOffset().acknowledge()));
	}

	private Mono<Void> deadLetter(ReceiverRecord<String, String> record, String reason) {
		log.error("Record {}-{}@{} goes to the dead-letter topic: {}", record.topic(), record.partition(),
				record.offset(), reason);
		return this.publisher.deadLetter(record.key(), record.value(), reason)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10)))
			.then(Mono.fromRunnable(() -> record.receiverOffset().acknowledge()));
	}

}
