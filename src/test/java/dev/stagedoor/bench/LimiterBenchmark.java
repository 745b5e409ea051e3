package dev.stagedoor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.Concerts;
import dev.stagedoor.StagedoorApplication;
import dev.stagedoor.TestInfrastructure;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the fair-play defences cost a queue entry (not part of {@code ./mvnw verify}: its name
 * does not end in Tests). Two instances in this JVM on the same Redis: one with the queue's
 * token buckets (per user and per address) and the per-address entry cap running on every
 * entry, set out of reach so nothing is refused; one with all of it off. Rounds of distinct
 * fans entering a fresh room each ({@code POST /api/concerts/{id}/queue}, 64 at a time) go to
 * the two by turns (entries per second counts the 201s; none may be 429), so both see the same machine; the median req/s of each is compared and
 * the cost must stay within 10 %. Writes {@code target/bench/limiter-report.json}.
 * <pre>
 * ./mvnw test -Dtest=LimiterBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     [-Dstagedoor.bench.limiter.fans=4000 -Dstagedoor.bench.limiter.rounds=6 -Dstagedoor.bench.limiter.warmup-rounds=4]
 * </pre>
 */
class LimiterBenchmark {

	private static final Logger log = LoggerFactory.getLogger(LimiterBenchmark.class);

	private static final int FANS = Integer.getInteger("stagedoor.bench.limiter.fans", 4000);

	private static final int ROUNDS = Integer.getInteger("stagedoor.bench.limiter.rounds", 6);

	/** Unmeasured rounds of each before the measured ones: the first runs found both still climbing. */
	private static final int WARMUP_ROUNDS = Integer.getInteger("stagedoor.bench.limiter.warmup-rounds", 4);

	private static final int CONCURRENCY = 64;

	@Test
	void theLimiterCostsAQueueEntryAtMostTenPercent() throws Exception {
		ConfigurableApplicationContext with = start("with", "1000000", "1000000");
		ConfigurableApplicationContext without = start("without", "0", "0");
		try {
			int withPort = port(with);
			int withoutPort = port(without);
			// one connection pool (Reactor Netty's shared one) for both, as before
			StagedoorClient withClient = StagedoorClient.on(withPort);
			StagedoorClient withoutClient = StagedoorClient.on(withoutPort);
			// warm-up of both, then measured rounds by turns
			for (int w = 0; w < WARMUP_ROUNDS; w++) {
				log.info("Warm-up {}: {} req/s with, {} without", w,
						Math.round(round(withClient, withPort, "warm-with-" + w, FANS)),
						Math.round(round(withoutClient, withoutPort, "warm-without-" + w, FANS)));
			}
			List<Double> withRates = new ArrayList<>();
			List<Double> withoutRates = new ArrayList<>();
			for (int r = 0; r < ROUNDS; r++) {
				boolean withFirst = r % 2 == 0;
				double first = round(withFirst ? withClient : withoutClient, withFirst ? withPort : withoutPort,
						"r" + r + "a", FANS);
				double second = round(withFirst ? withoutClient : withClient, withFirst ? withoutPort : withPort,
						"r" + r + "b", FANS);
				(withFirst ? withRates : withoutRates).add(first);
				(withFirst ? withoutRates : withRates).add(second);
			}
			double withMedian = median(withRates);
			double withoutMedian = median(withoutRates);
			double cost = 1 - withMedian / withoutMedian;
			Map<String, Object> report = new LinkedHashMap<>();
			report.put("fansPerRound", FANS);
			report.put("concurrency", CONCURRENCY);
			report.put("withLimiterReqPerSecond", withRates);
			report.put("withoutLimiterReqPerSecond", withoutRates);
			report.put("withMedian", withMedian);
			report.put("withoutMedian", withoutMedian);
			report.put("cost", cost);
			Path out = Path.of("target", "bench");
			Files.createDirectories(out);
			Files.writeString(out.resolve("limiter-report.json"),
					JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(report));
			log.info("Queue entry: {} req/s with the limiter, {} without (medians of {} rounds of {}): cost {} %",
					Math.round(withMedian), Math.round(withoutMedian), ROUNDS, FANS, Math.round(cost * 1000) / 10.0);
			assertThat(cost).as("the limiter's cost on queue entry").isLessThanOrEqualTo(0.10);
		}
		finally {
			with.close();
			without.close();
		}
	}

	/** Distinct fans entering one new room; req/s. */
	private static double round(StagedoorClient client, int port, String name, int fans) {
		long concert = Concerts.create(port, "Limiter bench " + name);
		List<String> tokens = new ArrayList<>(fans);
		for (int i = 0; i < fans; i++) {
			tokens.add(TestTokens.user("bench-" + name + "-" + concert + "-" + i));
		}
		AtomicLong created = new AtomicLong();
		AtomicLong refused = new AtomicLong();
		long started = System.nanoTime();
		Flux.fromIterable(tokens)
			.flatMap(token -> client.enterQueue(token, concert).map(ApiReply::status), CONCURRENCY)
			.doOnNext(status -> {
				if (status == 201) {
					created.incrementAndGet();
				}
				else if (status == 429) {
					refused.incrementAndGet();
				}
			})
			.blockLast();
		double seconds = (System.nanoTime() - started) / 1e9;
		// the limits are out of reach: nothing may be refused; a loaded Redis may time out (503)
		assertThat(refused.get()).as("entries of round " + name + " refused").isZero();
		if (created.get() < fans) {
			log.warn("Round {}: {} of {} entries failed (503: Redis timed out?)", name, fans - created.get(), fans);
		}
		return created.get() / seconds;
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	private static ConfigurableApplicationContext start(String name, String capacity, String cap) {
		SpringApplication app = new SpringApplication(StagedoorApplication.class);
		app.addInitializers(new TestInfrastructure.Initializer());
		ConfigurableApplicationContext context = app.run("--server.port=0", "--logging.level.root=warn",
				"--stagedoor.queue.admission-interval=1h", "--spring.application.name=limiter-bench-" + name,
				"--stagedoor.rate-limit.queue.per-user.capacity=" + capacity,
				"--stagedoor.rate-limit.queue.per-address.capacity=" + capacity,
				"--stagedoor.queue.max-entries-per-address-per-minute=" + cap);
		return context;
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
