package dev.stagedoor.support;

import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a reactive job at a fixed period while the application runs. A slow run makes the
 * next tick wait (ticks are dropped, never queued), and a failing run is logged and does
 * not stop the ticking.
 */
public class Ticker extends Background {

	private static final Logger log = LoggerFactory.getLogger(Ticker.class);

	public Ticker(String name, Duration period, Supplier<Mono<?>> job) {
		super(name, () -> Flux.interval(period, Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap(tick -> Mono.defer(job).onErrorResume(ex -> {
				log.warn("{} failed: {}", name, ex.toString());
				return Mono.empty();
			}), 1));
	}

}
