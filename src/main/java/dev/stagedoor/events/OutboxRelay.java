package dev.stagedoor.events;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.support.LuaScripts;
import dev.stagedoor.support.RedisKeyspace;

/**
 * Relays each schedule's outbox stream to Kafka. Every instance reads the streams as one
 * consumer group ({@value #GROUP}) with one non-blocking script call per stream and tick
 * ({@code read_outbox.lua}); an entry is acknowledged
 * and deleted only after Kafka acknowledged it, so a crash between the two means the
 * entry is published again (consumers de-duplicate by event id), never lost. Entries left
 * pending by a dead instance are claimed (XAUTOCLAIM) after {@code stagedoor.kafka.claim-idle}.
 * Entries of one stream are published one after the other, in stream order.
 */
@Component
public class OutboxRelay {

	private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

	static final String GROUP = "relay";

	private static final int BATCH = 500;

	private final String consumerName = ManagementFactory.getRuntimeMXBean().getName() + "-"
			+ UUID.randomUUID().toString().substring(0, 8);

	private final RedisScript<List<Object>> read = LuaScripts.load("read_outbox");

	private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();

	private final ReactiveStringRedisTemplate redis;

	private final SeatCatalog catalog;

	private final EventPublisher publisher;

	private final EventProperties properties;

	private final RelayMetrics metrics;

	private final RedisKeyspace keyspace;

	OutboxRelay(ReactiveStringRedisTemplate redis, SeatCatalog catalog, EventPublisher publisher,
			EventProperties properties, RelayMetrics metrics, RedisKeyspace keyspace) {
		this.redis = redis;
		this.keyspace = keyspace;
		this.catalog = catalog;
		this.publisher = publisher;
		this.properties = properties;
		this.metrics = metrics;
	}

	/** One pass over every known schedule; emits how many events were published. */
	public Mono<Long> relayAll() {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		return Flux.fromIterable(this.catalog.knownScheduleIds())
			.flatMap(schedule -> relay(schedule).onErrorResume(ex -> {
				failure.set(ex);
				log.warn("Relaying schedule {} failed: {}", schedule, ex.toString());
				return Mono.just(0L);
			}), 8)
			.reduce(0L, Long::sum)
			.doOnSuccess(n -> this.lastFailure.set(failure.get()));
	}

	/** The last relay failure, or null when the last pass succeeded (for the health endpoint). */
	Throwable lastFailure() {
		return this.lastFailure.get();
	}

	Mono<Long> relay(long scheduleId) {
		String stream = OutboxKeys.of(this.keyspace, scheduleId).outbox();
		return LuaScripts
			.run(this.redis, this.read, List.of(stream),
					readArguments(this.consumerName, this.properties.claimIdle().toMillis(), BATCH))
			.map(OutboxRelay::entries)
			.flatMap(entries -> publish(stream, entries))
			.defaultIfEmpty(0L);
	}

	/**
	 * {@code read_outbox.lua}'s ARGV (its one key is the outbox stream): the relay's consumer
	 * group, the consumer reading, how long an entry must have been pending with another
	 * consumer before this one claims it, and at most how many entries to read.
	 */
	static List<String> readArguments(String consumer, long claimIdleMillis, int count) {
		return List.of(GROUP, consumer, String.valueOf(claimIdleMillis), String.valueOf(count));
	}

	/** Parses {@code id, n, field, value, ...} into entries, keeping their order. */
	static List<Entry> entries(List<String> reply) {
		List<Entry> entries = new ArrayList<>();
		int i = 0;
		while (i < reply.size()) {
			String id = reply.get(i);
			int n = Integer.parseInt(reply.get(i + 1));
			Map<String, String> fields = new HashMap<>();
			for (int f = 0; f < n; f += 2) {
				fields.put(reply.get(i + 2 + f), reply.get(i + 3 + f));
			}
			entries.add(new Entry(id, fields));
			i += 2 + n;
		}
		return entries;
	}

	record Entry(String id, Map<String, String> fields) {
	}

	/**
	 * Publishes a batch in stream order, then acknowledges and deletes it in Redis. Entries
	 * that are not events go to the dead-letter topic instead.
	 */
	private Mono<Long> publish(String stream, List<Entry> entries) {
		if (entries.isEmpty()) {
			return Mono.just(0L);
		}
		List<ReservationEvent> events = new ArrayList<>(entries.size());
		List<Mono<Void>> deadLetters = new ArrayList<>();
		for (Entry entry : entries) {
			try {
				events.add(ReservationEvent.fromFields(entry.fields()));
			}
			catch (RuntimeException ex) {
				log.error("Outbox entry {} of {} is not an event, sent to the dead-letter topic: {}", entry.id(), stream,
						ex.getMessage());
				deadLetters.add(this.publisher.deadLetter(stream + "/" + entry.id(), entry.fields().toString(),
						ex.getMessage(), "relay"));
			}
		}
		String[] ids = entries.stream().map(Entry::id).toArray(String[]::new);
		return Mono.when(deadLetters)
			.then(events.isEmpty() ? Mono.empty() : this.metrics.timePublish(this.publisher.publish(events)))
			.then(this.redis.opsForStream().acknowledge(stream, GROUP, ids))
			.then(this.redis.opsForStream().delete(stream, ids))
			.thenReturn((long) events.size());
	}

	/** Entries waiting in one schedule's outbox (not yet confirmed by Kafka). */
	public Mono<Long> backlog(long scheduleId) {
		return this.redis.opsForStream().size(OutboxKeys.of(this.keyspace, scheduleId).outbox());
	}

	/** Refreshes the gauge of every known schedule's outbox backlog. */
	Mono<Void> refreshBacklogs() {
		return this.metrics.refreshBacklog(this.catalog.knownScheduleIds(), this::backlog);
	}

}
