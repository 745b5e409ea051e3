package dev.stagedoor.events;

import java.time.Duration;
import java.util.Set;
import java.util.function.LongFunction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The relay's meters: how long Kafka took to acknowledge a batch ({@code stagedoor.relay.publish},
 * by outcome) and the entries waiting in each schedule's outbox ({@code stagedoor.outbox.backlog},
 * refreshed on a background ticker, so a scrape never calls Redis).
 */
@Component
class RelayMetrics {

	private final Timer published;

	private final Timer failed;

	private final MultiGauge backlog;

	RelayMetrics(MeterRegistry meters) {
		this.published = publishTimer(meters, "published");
		this.failed = publishTimer(meters, "failed");
		this.backlog = MultiGauge.builder("stagedoor.outbox.backlog")
			.description("Events in a schedule's outbox stream not yet confirmed by Kafka")
			.register(meters);
	}

	private static Timer publishTimer(MeterRegistry meters, String outcome) {
		return Timer.builder("stagedoor.relay.publish")
			.description("From sending a batch of outbox events to Kafka until Kafka acknowledged (or refused) all of it")
			.tag("outcome", outcome)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(meters);
	}

	/** The publishing, timed until it completes or fails. */
	Mono<Void> timePublish(Mono<Void> publishing) {
		return Mono.defer(() -> {
			long started = System.nanoTime();
			return publishing.doOnSuccess(done -> this.published.record(Duration.ofNanos(System.nanoTime() - started)))
				.doOnError(ex -> this.failed.record(Duration.ofNanos(System.nanoTime() - started)));
		});
	}

	/** Reads the length of every known schedule's outbox (XLEN each). */
	Mono<Void> refreshBacklog(Set<Long> schedules, LongFunction<Mono<Long>> backlogOf) {
		return Flux.fromIterable(schedules)
			.flatMap(schedule -> backlogOf.apply(schedule)
				.map(size -> MultiGauge.Row.of(Tags.of("schedule", String.valueOf(schedule)), size)), 8)
			.<MultiGauge.Row<?>>map(row -> row)
			.collectList()
			.doOnNext(rows -> this.backlog.register(rows, true))
			.then();
	}

}
