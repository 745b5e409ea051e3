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
	Ticker admissionTicker(QueueProperties properties, OpenQueues queues, WaitingRoom room, QueueStreams streams) {
		return new Ticker("admission", properties.admissionInterval(), () -> admitAll(queues, room, streams));
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
	 * One admission step per open room; a step that admitted someone tells this instance's
	 * followers of that room at once ({@link QueueStreams#refreshFront}; a failure there is
	 * logged and the step stands).
	 */
	static Mono<Void> admitAll(OpenQueues queues, WaitingRoom room, QueueStreams streams) {
		return Flux.fromIterable(queues.all())
			.flatMap(concertId -> room.admit(concertId).flatMap(step -> {
				if (step.admitted() > 0 || step.abandoned() > 0) {
					log.debug("concert {}: admitted {}, expired {}, abandoned {}", concertId, step.admitted(),
							step.expired(), step.abandoned());
				}
				if (step.admitted() == 0 || streams == null) {
					return Mono.empty();
				}
				return streams.refreshFront(concertId).onErrorResume(ex -> {
					log.warn("telling the followers of concert {} of admissions failed: {}", concertId, ex.toString());
					return Mono.empty();
				});
			}), 16)
			.then();
	}

}
