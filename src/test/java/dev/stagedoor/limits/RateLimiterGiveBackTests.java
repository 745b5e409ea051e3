package dev.stagedoor.limits;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.limits.RateLimitProperties.Limits;
import dev.stagedoor.limits.RateLimitProperties.Setting;
import dev.stagedoor.support.ScriptRedis;
import dev.stagedoor.web.ProblemWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter against Redis: a request one bucket refuses spends nothing from the other (the
 * user's and the address's buckets are taken in two calls; the one that let it through gets its
 * token back), also when many such requests race.
 */
class RateLimiterGiveBackTests {

	static ScriptRedis redis;

	static RateLimiter limiter;

	@BeforeAll
	static void connect() throws Exception {
		redis = ScriptRedis.open(RateLimiterGiveBackTests.class);
		// seat maps: 10 per user, 2 per address; neither refills within the test (one a 1,000 s)
		Limits seats = new Limits(new Setting(10, 0.001), new Setting(2, 0.001));
		Setting defaults = new Setting(null, null);
		Limits others = new Limits(defaults, defaults);
		var writer = ProblemWriter.class.getDeclaredConstructor(JsonMapper.class);
		writer.setAccessible(true);
		limiter = new RateLimiter(new RateLimitScripts(redis.template(), redis.keyspace()),
				new RateLimitProperties(others, seats, others, others, others), ClientAddressesTests.trusting(),
				new Refusals(new SimpleMeterRegistry()), writer.newInstance(JsonMapper.builder().build()));
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	/** A seat-map read by {@code user} from {@code address}: the status, and the RateLimit header. */
	static Mono<List<String>> read(String user, String address) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
			.method(HttpMethod.GET, "/api/schedules/1/seats")
			.remoteAddress(new InetSocketAddress(address, 50_000)));
		AtomicBoolean reached = new AtomicBoolean();
		return limiter.filter(exchange, ex -> Mono.fromRunnable(() -> reached.set(true)))
			.contextWrite(ReactiveSecurityContextHolder
				.withAuthentication(new TestingAuthenticationToken(user, "n/a", "ROLE_USER")))
			.then(Mono.fromSupplier(() -> List.of(reached.get() ? "passed" : String.valueOf(exchange.getResponse()
				.getStatusCode()
				.value()), String.valueOf(exchange.getResponse().getHeaders().getFirst("RateLimit")))));
	}

	@Test
	void aRequestTheAddressRefusesSpendsNothingFromTheUser() {
		assertThat(read("giver", "198.51.100.30").block().get(0)).isEqualTo("passed");
		assertThat(read("giver", "198.51.100.30").block().get(0)).isEqualTo("passed");
		for (int i = 0; i < 3; i++) {
			assertThat(read("giver", "198.51.100.30").block().get(0)).isEqualTo("429");
		}
		// 10 - 2 taken, the three refused gave theirs back: 7 after the next read
		List<String> elsewhere = read("giver", "198.51.100.31").block();
		assertThat(elsewhere.get(0)).isEqualTo("passed");
		assertThat(elsewhere.get(1)).startsWith("\"seats-user\";r=7;");
	}

	@Test
	void fiftyRacingRequestsFromOneAddressTakeFromTheUserOnlyWhatTheAddressLetThrough() {
		List<List<String>> answers = Flux.range(0, 50)
			.flatMap(i -> read("racer", "198.51.100.40"), 50)
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(answers).filteredOn(a -> a.get(0).equals("passed")).hasSize(2);
		assertThat(answers).filteredOn(a -> a.get(0).equals("429")).hasSize(48);
		assertThat(read("racer", "198.51.100.41").block().get(1)).startsWith("\"seats-user\";r=7;");
	}

}
