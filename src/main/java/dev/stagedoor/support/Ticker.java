package dev.stagedoor.support;

import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a reactive job at a fixed period while the application runs. A slow run makes the
 * next tick wait (ticks are dropped, never queued), and a failing run is logged and does
 * not stop the ticking.
 */
public class Ticker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Ticker.class);

	private final String name;

	private final Duration period;

	private final Supplier<Mono<?>> job;

	private volatile Disposable running;

	public Ticker(String name, Duration period, Supplier<Mono<?>> job) {
		this.name = name;
		this.period = period;
		this.job = job;
	}

	@Override
	public void start() {
		this.running = Flux.interval(this.period, Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap(tick -> Mono.defer(this.job).onErrorResume(ex -> {
				log.warn("{} failed: {}", this.name, ex.toString());
				return Mono.empty();
			}), 1)
			.subscribe();
	}

	@Override
	public void stop() {
		Disposable current = this.running;
		if (current != null) {
			current.dispose();
		}
		this.running = null;
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

}
