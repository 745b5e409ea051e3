package dev.stagedoor.queue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

import dev.stagedoor.limits.RateLimitProperties;
import dev.stagedoor.limits.RateLimitProperties.Bucket;
import dev.stagedoor.limits.RateLimitProperties.Limits;
import dev.stagedoor.limits.RateLimitProperties.Setting;
import dev.stagedoor.limits.Refusals;
import dev.stagedoor.queue.QueueScripts.Entry;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * New queue entries fail closed when Redis cannot be reached (a port nobody listens on): their
 * rate limits are taken inside the entry script, so an entry that cannot be limited is not
 * taken either. The error is a store failure (answered 503 {@code unavailable} with
 * {@code Retry-After}, as every Redis outage) and counted as a {@code limiter-unavailable}
 * refusal of the queue class; so is an entry a Redis Cluster failover fails, and a script's own
 * error is not.
 */
class QueueEntryOutageTests {

	static LettuceConnectionFactory deadRedis;

	@BeforeAll
	static void withoutRedis() {
		deadRedis = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		deadRedis.afterPropertiesSet();
		deadRedis.start();
	}

	@AfterAll
	static void close() {
		deadRedis.destroy();
	}

	@Test
	void anEntryWithoutRedisIsAStoreFailureCountedAsTheLimiterUnavailable() {
		QueueProperties properties = new QueueProperties(1000, 100, Duration.ofMinutes(10), Duration.ofMinutes(2),
				"queue-outage-tests-secret-0123456789abcdef", Duration.ofMillis(100), Duration.ofMillis(500),
				Duration.ofSeconds(15), Duration.ofSeconds(15), 500, 0.5, Duration.ofMillis(200));
		QueueScripts scripts = new QueueScripts(new ReactiveStringRedisTemplate(deadRedis), new RedisKeyspace(""),
				properties);
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		Setting defaults = new Setting(null, null);
		Limits limits = new Limits(defaults, defaults);
		WaitingRoom room = new WaitingRoom(scripts, new AdmissionTokens(properties, Clock.systemUTC()),
				new OpenQueues(null, scripts), new QueueMetrics(meters), new PollPacing(properties),
				new QueueEntryProperties(100), new Refusals(meters),
				new RateLimitProperties(limits, limits, limits, limits, limits));

		assertThatThrownBy(() -> room.enter(1, "fan", "198.51.100.3").block(Duration.ofSeconds(10)))
			.isInstanceOf(DataAccessResourceFailureException.class);
		assertThat(meters.get("stagedoor.refusals").tag("class", "queue").tag("reason", "limiter-unavailable")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void anEntryDuringAClusterFailoverIsCountedAsTheLimiterUnavailableButAScriptErrorIsNot() {
		// the entry script's call fails as Spring Data Redis reports a slot without a master, a
		// lost node, then a script error
		List<RuntimeException> failures = new ArrayList<>(List.of(
				new RedisSystemException("Error in execution",
						new RedisCommandExecutionException("CLUSTERDOWN The cluster is down")),
				new RedisSystemException("Error in execution",
						new RedisException("Currently not connected. Commands are rejected.")),
				new RedisSystemException("Error in execution",
						new RedisCommandExecutionException("ERR user_script:1: Script attempted to access nonexistent global"))));
		QueueProperties properties = properties();
		QueueScripts scripts = new QueueScripts(new ReactiveStringRedisTemplate(deadRedis), new RedisKeyspace(""),
				properties) {
			@Override
			Mono<Entry> enter(long concertId, String user, String address, int maxPerAddress, Bucket perUser,
					Bucket perAddress) {
				return Mono.error(failures.remove(0));
			}
		};
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		WaitingRoom room = room(scripts, properties, meters);

		for (int i = 0; i < 3; i++) {
			assertThatThrownBy(() -> room.enter(1, "fan", "198.51.100.3").block(Duration.ofSeconds(10)))
				.isInstanceOf(RedisSystemException.class);
		}
		assertThat(failures).isEmpty();
		assertThat(meters.get("stagedoor.refusals").tag("class", "queue").tag("reason", "limiter-unavailable")
			.counter()
			.count()).isEqualTo(2);
	}

	private static QueueProperties properties() {
		return new QueueProperties(1000, 100, Duration.ofMinutes(10), Duration.ofMinutes(2),
				"queue-outage-tests-secret-0123456789abcdef", Duration.ofMillis(100), Duration.ofMillis(500),
				Duration.ofSeconds(15), Duration.ofSeconds(15), 500, 0.5, Duration.ofMillis(200));
	}

	private static WaitingRoom room(QueueScripts scripts, QueueProperties properties, SimpleMeterRegistry meters) {
		Setting defaults = new Setting(null, null);
		Limits limits = new Limits(defaults, defaults);
		return new WaitingRoom(scripts, new AdmissionTokens(properties, Clock.systemUTC()),
				new OpenQueues(null, scripts), new QueueMetrics(meters), new PollPacing(properties),
				new QueueEntryProperties(100), new Refusals(meters),
				new RateLimitProperties(limits, limits, limits, limits, limits));
	}

}
