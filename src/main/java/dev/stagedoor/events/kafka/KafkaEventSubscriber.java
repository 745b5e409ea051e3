package dev.stagedoor.events.kafka;

import java.time.Duration;
import java.util.ArrayList;
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
 * reactor-kafka behind {@link EventSubscriber}. Records are gathered into batches (up to
 * {@value #MAX_BATCH}, or what arrived within 5 ms), handled one batch after the other; a
 * batch's offsets are acknowledged (and so committed) only after its handler completed.
 * Transient failures are retried with backoff forever, holding the consumer; poison
 * records go to the dead-letter topic. A batch written in one transaction costs a few
 * statements whatever its size, which is what lets one consumer keep up.
 */
@Component
class KafkaEventSubscriber implements EventSubscriber {

	private static final Logger log = LoggerFactory.getLogger(KafkaEventSubscriber.class);

	private static final int MAX_BATCH = 500;

	private static final Duration BATCH_WAIT = Duration.ofMillis(5);

	private final String bootstrapServers;

	private final EventProperties properties;

	private final EventPublisher publisher;

	private final JsonMapper json;

	private final KafkaTopics topics;

	KafkaEventSubscriber(@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers, EventProperties properties,
			EventPublisher publisher, JsonMapper json, KafkaTopics topics) {
		this.bootstrapServers = bootstrapServers;
		this.topics = topics;
		this.properties = properties;
		this.publisher = publisher;
		this.json = json;
	}

	@Override
	public Flux<Void> subscribe(String group, Function<ReservationEvent, Mono<Void>> handler) {
		return receive(group,
				records -> Flux.fromIterable(records).concatMap(record -> handleOne(group, record, handler)).then());
	}

	@Override
	public Flux<Void> subscribeBatches(String group, Function<List<ReservationEvent>, Mono<Void>> handler) {
		Function<ReservationEvent, Mono<Void>> one = event -> handler.apply(List.of(event));
		return receive(group, records -> handleBatch(group, records, handler, one));
	}

	private Flux<Void> receive(String group, Function<List<ReceiverRecord<String, String>>, Mono<Void>> batchHandler) {
		Map<String, Object> config = new java.util.HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_BATCH);
		config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		// partitions added while running are picked up within this time
		config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 30_000);
		ReceiverOptions<String, String> options = ReceiverOptions.<String, String>create(config)
			.subscription(List.of(this.properties.topic()))
			.commitInterval(Duration.ofMillis(100));
		// subscribe only once the topic exists with all its partitions: a consumer that made
		// the broker auto-create it would see the partitions added later only on its next
		// metadata refresh, and leave their events unread until then
		return this.topics.ready()
			.thenMany(Flux.defer(() -> KafkaReceiver.create(options).receive()))
			.bufferTimeout(MAX_BATCH, BATCH_WAIT, true)
			.concatMap(records -> batchHandler.apply(records)
				.then(Mono.<Void>fromRunnable(() -> records.forEach(record -> record.receiverOffset().acknowledge()))))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500))
				.maxBackoff(Duration.ofSeconds(10))
				.doBeforeRetry(signal -> log.warn("Kafka consumer {} restarts: {}", group, signal.failure().toString())));
	}

	private Mono<Void> handleBatch(String group, List<ReceiverRecord<String, String>> records,
			Function<List<ReservationEvent>, Mono<Void>> handler, Function<ReservationEvent, Mono<Void>> one) {
		List<ReservationEvent> events = new ArrayList<>(records.size());
		for (ReceiverRecord<String, String> record : records) {
			try {
				events.add(read(record));
			}
			catch (RuntimeException ex) {
				// An unreadable record among readable ones: go record by record.
				return Flux.fromIterable(records).concatMap(each -> handleOne(group, each, one)).then();
			}
		}
		return retried(Mono.defer(() -> handler.apply(events)), "batch of " + events.size() + " events")
			.onErrorResume(PoisonEventException.class, ex -> {
				log.warn("A batch of {} events holds a poison event ({}); handling them one by one", events.size(),
						ex.getMessage());
				return Flux.fromIterable(records).concatMap(each -> handleOne(group, each, one)).then();
			});
	}

	private Mono<Void> handleOne(String group, ReceiverRecord<String, String> record,
			Function<ReservationEvent, Mono<Void>> handler) {
		ReservationEvent event;
		try {
			event = read(record);
		}
		catch (RuntimeException ex) {
			return deadLetter(group, record, "unreadable event: " + ex.getMessage());
		}
		return retried(Mono.defer(() -> handler.apply(event)), "event " + event.eventId())
			.onErrorResume(PoisonEventException.class, ex -> deadLetter(group, record, ex.getMessage()));
	}

	private ReservationEvent read(ReceiverRecord<String, String> record) {
		return this.json.readValue(record.value(), ReservationEvent.class);
	}

	private static Mono<Void> retried(Mono<Void> work, String what) {
		return work.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200))
			.maxBackoff(Duration.ofSeconds(5))
			.filter(ex -> !(ex instanceof PoisonEventException))
			.doBeforeRetry(signal -> log.warn("{} failed, retrying: {}", what, signal.failure().toString())));
	}

	private Mono<Void> deadLetter(String group, ReceiverRecord<String, String> record, String reason) {
		log.error("Record {}-{}@{} goes to the dead-letter topic ({}): {}", record.topic(), record.partition(),
				record.offset(), group, reason);
		return this.publisher.deadLetter(record.key(), record.value(), reason, group)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10)));
	}

}
