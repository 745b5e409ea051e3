package dev.stagedoor.queue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The concerts whose waiting rooms this instance runs admission for. Filled from PostgreSQL
 * at start-up, when the instance also republishes every room's settings to Redis (so a
 * flushed Redis gets its rooms back), and refreshed periodically so rooms opened by other
 * instances are picked up.
 */
@Component
class OpenQueues {

	private static final Logger log = LoggerFactory.getLogger(OpenQueues.class);

	static final Duration REFRESH = Duration.ofSeconds(5);

	private final Set<Long> concerts = ConcurrentHashMap.newKeySet();

	private final QueueSettingsRepository repository;

	private final QueueScripts scripts;

	OpenQueues(QueueSettingsRepository repository, QueueScripts scripts) {
		this.repository = repository;
		this.scripts = scripts;
	}

	void add(long concertId) {
		this.concerts.add(concertId);
	}

	Set<Long> all() {
		return this.concerts;
	}

	@EventListener(ApplicationReadyEvent.class)
	void republish() {
		this.repository.findAll()
			.concatMap(c -> this.scripts.configure(c.concertId(), c.settings()).doOnSuccess(done -> add(c.concertId())))
			.count()
			.subscribe(n -> log.info("Opened {} waiting rooms", n), ex -> log.error("Could not open waiting rooms", ex));
	}

	Mono<Void> refresh() {
		return this.repository.findAll().doOnNext(c -> add(c.concertId())).then();
	}

}
