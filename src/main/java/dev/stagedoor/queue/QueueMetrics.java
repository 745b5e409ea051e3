package dev.stagedoor.queue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.queue.WaitingRoom.QueueStats;

/**
 * The waiting rooms' meters, per concert. The room-wide gauges (waiting, active, admitted
 * total) are read from Redis by {@link #refresh} on a background ticker and cached, so a
 * scrape never calls Redis; every instance reports the same room-wide values. The admissions
 * counter counts the admissions made by this instance's admission steps (sum it over
 * instances).
 */
@Component
class QueueMetrics {

	private final MeterRegistry meters;

	private final Map<Long, Counter> admissions = new ConcurrentHashMap<>();

	private final MultiGauge waiting;

	private final MultiGauge active;

	private final MultiGauge admitted;

	QueueMetrics(MeterRegistry meters) {
		this.meters = meters;
		this.waiting = MultiGauge.builder("stagedoor.queue.waiting")
			.description("Fans waiting in the concert's room (room-wide)")
			.register(meters);
		this.active = MultiGauge.builder("stagedoor.queue.active")
			.description("Admitted fans whose admission has not ended (room-wide)")
			.register(meters);
		this.admitted = MultiGauge.builder("stagedoor.queue.admitted")
			.description("Fans admitted since the room opened (room-wide total)")
			.register(meters);
	}

	/** Counts admissions made by this instance. */
	void admitted(long concertId, long count) {
		if (count > 0) {
			admissions(concertId).increment(count);
		}
	}

	/** Reads every open room's counters from Redis, one script call per room. */
	Mono<Void> refresh(OpenQueues queues, WaitingRoom room) {
		return Flux.fromIterable(queues.all())
			.flatMap(concertId -> room.stats(concertId).map(stats -> Map.entry(concertId, stats)), 8)
			.collectList()
			.doOnNext(rooms -> {
				rooms.forEach(entry -> admissions(entry.getKey()));
				this.waiting.register(rows(rooms, QueueStats::waiting), true);
				this.active.register(rows(rooms, QueueStats::active), true);
				this.admitted.register(rows(rooms, QueueStats::admittedTotal), true);
			})
			.then();
	}

	private Counter admissions(long concertId) {
		return this.admissions.computeIfAbsent(concertId, id -> Counter.builder("stagedoor.queue.admissions")
			.description("Fans admitted by this instance's admission steps")
			.tag("concert", String.valueOf(id))
			.register(this.meters));
	}

	private static List<MultiGauge.Row<?>> rows(List<Map.Entry<Long, QueueStats>> rooms, ToLongFunction<QueueStats> value) {
		return rooms.stream()
			.<MultiGauge.Row<?>>map(entry -> MultiGauge.Row.of(Tags.of("concert", String.valueOf(entry.getKey())),
					value.applyAsLong(entry.getValue())))
			.toList();
	}

}
