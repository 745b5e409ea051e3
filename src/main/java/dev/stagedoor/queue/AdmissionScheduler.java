package dev.stagedoor.queue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.support.MetricsProperties;
import dev.stagedoor.support.Ticker;

/**
 * Runs the admission step for every open waiting room on every instance. The limits
 * (maxActive, admitPerSecond) are enforced inside the script, so more instances make
 * admission more available, never faster than configured.
 */
@Configuration(proxyBeanMethods = false)
class AdmissionScheduler {

	private static final Logger log = LoggerFactory.getLogger(AdmissionScheduler.class);

	@Bean
	Ticker admissionTicker(QueueProperties properties, OpenQueues queues, WaitingRoom room, AdmissionNews news) {
		return new Ticker("admission", properties.admissionInterval(), () -> admitAll(queues, room, news));
	}

	@Bean
	Ticker queueMetricsRefresher(MetricsProperties properties, QueueMetrics metrics, OpenQueues queues,
			WaitingRoom room) {
		return new Ticker("waiting-room metrics", properties.refreshInterval(), () -> metrics.refresh(queues, room));
	}

	@Bean
	Ticker openQueuesRefresher(OpenQueues queues) {
		return new Ticker("waiting-room refresh", OpenQueues.REFRESH, queues::refresh);
	}

	/**
	 * One admission step per open room; a step that admitted fans tells the followers of
	 * every instance at once ({@link AdmissionNews#announce}; {@code news} may be null in
	 * tests of admission alone).
	 */
	static Mono<Void> admitAll(OpenQueues queues, WaitingRoom room, AdmissionNews news) {
		return Flux.fromIterable(queues.all())
			.flatMap(concertId -> room.admit(concertId).flatMap(step -> {
				if (step.admitted() > 0 || step.abandoned() > 0) {
					log.debug("concert {}: admitted {}, expired {}, abandoned {}", concertId, step.admitted(),
							step.expired(), step.abandoned());
				}
				return news == null ? Mono.empty() : news.announce(concertId, step);
			}), 16)
			.then();
	}

}
