package dev.stagedoor.support;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** A long-running reactive job subscribed while the application runs, disposed at shutdown. */
public class Background implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Background.class);

	private final String name;

	private final Supplier<Flux<?>> work;

	private volatile Disposable running;

	public Background(String name, Supplier<Flux<?>> work) {
		this.name = name;
		this.work = work;
	}

	@Override
	public void start() {
		this.running = Flux.defer(() -> this.work.get()).subscribe(null, ex -> log.error("{} stopped", this.name, ex));
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
