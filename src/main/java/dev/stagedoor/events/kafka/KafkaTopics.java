package dev.stagedoor.events.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import dev.stagedoor.events.EventProperties;

/**
 * Creates the event topic and its dead-letter topic when they are missing: at start-up
 * (retrying in the background while Kafka is unreachable) and again whenever publishing
 * finds the topic unknown (a broker that came back empty).
 */
@Component
class KafkaTopics implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);

	static final int PARTITIONS = 6;

	private final Admin admin;

	private final EventProperties properties;

	private final AtomicBoolean ensuring = new AtomicBoolean();

	private final AtomicBoolean ready = new AtomicBoolean();

	KafkaTopics(@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers, EventProperties properties) {
		this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
				10_000));
		this.properties = properties;
	}

	@EventListener(ApplicationReadyEvent.class)
	void onStart() {
		ensureInBackground();
	}

	/** Starts (unless already running) a background attempt to create missing topics. */
	void ensureInBackground() {
		this.ready.set(false);
		if (!this.ensuring.compareAndSet(false, true)) {
			return;
		}
		ensure().retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500))
			.maxBackoff(Duration.ofSeconds(10))
			.doBeforeRetry(signal -> log.warn("Creating the event topics failed, retrying: {}", signal.failure().toString())))
			.doFinally(signal -> this.ensuring.set(false))
			.subscribe(null, ex -> log.error("Could not create the event topics", ex));
	}

	/**
	 * Completes once the topics exist with at least {@value #PARTITIONS} partitions (checked
	 * once; again after a publish failure). Publishing waits for it, so a broker's
	 * auto-created single-partition topic never serialises the consumers.
	 */
	Mono<Void> ready() {
		return this.ready.get() ? Mono.empty() : ensure();
	}

	Mono<Void> ensure() {
		return Flux.fromIterable(List.of(this.properties.topic(), this.properties.deadLetterTopic()))
			.concatMap(this::create)
			.then()
			.doOnSuccess(done -> this.ready.set(true));
	}

	private Mono<Void> create(String topic) {
		NewTopic newTopic = new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty());
		return Mono.fromFuture(() -> this.admin.createTopics(List.of(newTopic)).all().toCompletionStage().toCompletableFuture())
			.doOnSuccess(done -> log.info("Created topic {}", topic))
			.onErrorResume(ex -> ex instanceof TopicExistsException || ex.getCause() instanceof TopicExistsException,
					ex -> enoughPartitions(topic));
	}

	private Mono<Void> enoughPartitions(String topic) {
		return Mono.fromFuture(() -> this.admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage()
			.toCompletableFuture())
			.flatMap(topics -> {
				int partitions = topics.get(topic).partitions().size();
				if (partitions >= PARTITIONS) {
					return Mono.<Void>empty();
				}
				log.info("Topic {} has {} partitions, increasing to {}", topic, partitions, PARTITIONS);
				return Mono.fromFuture(() -> this.admin
					.createPartitions(Map.of(topic, NewPartitions.increaseTo(PARTITIONS)))
					.all()
					.toCompletionStage()
					.toCompletableFuture()).then();
			});
	}

	@Override
	public void destroy() {
		this.admin.close(Duration.ofSeconds(2));
	}

}
