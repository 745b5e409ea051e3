package dev.stagedoor.events;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

import dev.stagedoor.support.MetricsProperties;
import dev.stagedoor.support.Ticker;

@Configuration(proxyBeanMethods = false)
class RelayConfiguration {

	@Bean
	Ticker outboxRelayTicker(OutboxRelay relay, EventProperties properties) {
		return new Ticker("outbox relay", properties.relayInterval(), relay::relayAll);
	}

	@Bean
	Ticker outboxBacklogMetrics(OutboxRelay relay, MetricsProperties properties) {
		return new Ticker("outbox backlog metrics", properties.refreshInterval(), relay::refreshBacklogs);
	}

	/** DOWN while the relay cannot publish (Kafka unreachable); the outbox keeps the events meanwhile. */
	@Bean
	ReactiveHealthIndicator outboxRelayHealthIndicator(OutboxRelay relay) {
		return () -> {
			Throwable failure = relay.lastFailure();
			return Mono.just(failure == null ? Health.up().build()
					: Health.down().withDetail("error", failure.toString()).build());
		};
	}

}
