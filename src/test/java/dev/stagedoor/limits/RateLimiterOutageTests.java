package dev.stagedoor.limits;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.limits.RateLimitProperties.Limits;
import dev.stagedoor.limits.RateLimitProperties.Setting;
import dev.stagedoor.support.RedisKeyspace;
import dev.stagedoor.web.ProblemWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limiter when its Redis cannot be reached (a port nobody listens on): every limited request
 * goes through, counted. (New queue entries are limited inside the entry script, not here, and
 * fail closed with it: QueueEntryOutageTests.)
 */
class RateLimiterOutageTests {

	static LettuceConnectionFactory deadRedis;

	static SimpleMeterRegistry meters = new SimpleMeterRegistry();

	static RateLimiter limiter;

	@BeforeAll
	static void withoutRedis() throws Exception {
		deadRedis = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		deadRedis.afterPropertiesSet();
		deadRedis.start();
		Setting defaults = new Setting(null, null);
		Limits limits = new Limits(defaults, defaults);
		var writer = ProblemWriter.class.getDeclaredConstructor(JsonMapper.class);
		writer.setAccessible(true);
		limiter = new RateLimiter(new RateLimitScripts(new ReactiveStringRedisTemplate(deadRedis), new RedisKeyspace("")),
				new RateLimitProperties(limits, limits, limits, limits, limits), ClientAddressesTests.trusting(),
				new Refusals(meters), writer.newInstance(JsonMapper.builder().build()));
	}

	@AfterAll
	static void close() {
		deadRedis.destroy();
	}

	/** Runs the filter as user "fan"; whether the request reached the handler. */
	static boolean passes(MockServerWebExchange exchange) {
		AtomicBoolean reached = new AtomicBoolean();
		limiter.filter(exchange, ex -> Mono.fromRunnable(() -> reached.set(true)))
			.contextWrite(ReactiveSecurityContextHolder.withAuthentication(new TestingAuthenticationToken("fan", "n/a", "ROLE_USER")))
			.block(Duration.ofSeconds(10));
		return reached.get();
	}

	static MockServerWebExchange request(HttpMethod method, String path) {
		return MockServerWebExchange.from(MockServerHttpRequest.method(method, path)
			.remoteAddress(new InetSocketAddress("198.51.100.3", 50_000)));
	}

	@Test
	void everyLimitedRequestGoesThroughAndIsCounted() {
		// a queue entry is not the filter's: no Redis call, nothing counted here
		assertThat(passes(request(HttpMethod.POST, "/api/concerts/1/queue"))).isTrue();

		assertThat(passes(request(HttpMethod.GET, "/api/concerts/1/queue"))).isTrue();
		assertThat(passes(request(HttpMethod.POST, "/api/schedules/1/reservations"))).isTrue();
		assertThat(passes(request(HttpMethod.POST, "/api/reservations/1-abc/payment"))).isTrue();
		assertThat(passes(request(HttpMethod.POST, "/api/me/points/charges"))).isTrue();
		assertThat(passes(request(HttpMethod.GET, "/api/schedules/1/seats"))).isTrue();
		assertThat(passes(request(HttpMethod.GET, "/api/reservations/1-abc/stream"))).isTrue();
		for (String endpoint : new String[] { "queue", "holds", "payments", "charges" }) {
			assertThat(meters.get("stagedoor.rate.limit.fail.open").tag("class", endpoint).counter().count())
				.as(endpoint)
				.isEqualTo(1);
		}
		assertThat(meters.get("stagedoor.rate.limit.fail.open").tag("class", "seats").counter().count()).isEqualTo(2);
		// not limited at all: no Redis call, nothing counted
		assertThat(passes(request(HttpMethod.GET, "/api/me/points"))).isTrue();
	}

}
