package dev.stagedoor.support;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.AssertTrue;

/**
 * Lettuce's options for a Redis Cluster ({@code spring.data.redis.cluster.nodes}); nothing
 * changes on a standalone Redis. Spring Boot builds {@link ClusterClientOptions} only in
 * cluster mode, and this customizer runs after Boot applied its own properties:
 * <ul>
 * <li>topology refresh both adaptive (on MOVED/ASK redirects, on the first failed reconnect to
 * a node, on an unknown node) and periodic, so the replica that took over a killed master is
 * used within about one refresh period of its promotion;</li>
 * <li>stale node connections closed on refresh, so commands queued for a dead master fail
 * instead of waiting for it;</li>
 * <li>commands to a node that is disconnected are rejected at once rather than buffered until
 * the command timeout, so a request during a failover answers 503 {@code unavailable} with
 * {@code Retry-After} at once (see {@link TransientFailures#isTransient}).</li>
 * </ul>
 * Scripts need nothing here: each is sent as EVALSHA to the node owning its keys' slot and,
 * on NOSCRIPT (a node restarted or newly promoted), as EVAL to that same node.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisClusterOptions.Settings.class)
class RedisClusterOptions {

	@Bean
	LettuceClientOptionsBuilderCustomizer stagedoorClusterClientOptions(Settings settings) {
		return builder -> apply(builder, settings);
	}

	static void apply(ClientOptions.Builder builder, Settings settings) {
		if (!(builder instanceof ClusterClientOptions.Builder cluster)) {
			return;
		}
		cluster.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
			.enableAllAdaptiveRefreshTriggers()
			.adaptiveRefreshTriggersTimeout(settings.adaptiveRefreshMinInterval())
			.refreshTriggersReconnectAttempts(1)
			.enablePeriodicRefresh(settings.refreshPeriod())
			.dynamicRefreshSources(true)
			.closeStaleConnections(true)
			.build());
		cluster.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	/**
	 * {@code stagedoor.redis.cluster.*}: how often the client re-reads the cluster's topology
	 * (periodically, and at most how often on an adaptive trigger). Only used on a cluster.
	 */
	@Validated
	@ConfigurationProperties("stagedoor.redis.cluster")
	record Settings(@DefaultValue("1s") Duration refreshPeriod, @DefaultValue("500ms") Duration adaptiveRefreshMinInterval) {

		@AssertTrue(message = "must be between 100ms and 10m")
		boolean isRefreshPeriodInRange() {
			return inRange(this.refreshPeriod);
		}

		@AssertTrue(message = "must be between 100ms and 10m")
		boolean isAdaptiveRefreshMinIntervalInRange() {
			return inRange(this.adaptiveRefreshMinInterval);
		}

		private static boolean inRange(Duration value) {
			return value != null && value.compareTo(Duration.ofMillis(100)) >= 0
					&& value.compareTo(Duration.ofMinutes(10)) <= 0;
		}

	}

}
