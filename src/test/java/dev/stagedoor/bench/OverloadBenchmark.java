package dev.stagedoor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admitted fans' hold latency while a crowd polls, with the two-lane limiter and without it,
 * in one run (two application contexts, one after the other, same machine, same JVM). Not
 * part of {@code ./mvnw verify} (the name does not end in Tests). A crowd of
 * {@code stagedoor.bench.crowd} (5,000) waiting fans polls its queue status over
 * {@code stagedoor.bench.crowd-connections} (256) connections, each poll sent again as soon as
 * it is answered (the worst crowd: it ignores {@code pollAfterSeconds}), except that a shed
 * poll waits its {@code Retry-After}; meanwhile {@code stagedoor.bench.admitted} (20) admitted
 * fans hold a seat and cancel the hold, again and again, for {@code stagedoor.bench.seconds}
 * (30). Reports the holds' p50/p99/max, holds done, polls served and shed per second, and
 * writes {@code target/bench/overload-report.txt}. The limiter runs with its defaults.
 * <pre>
 * ./mvnw test -Dtest='OverloadBenchmark*' -Dsurefire.failIfNoSpecifiedTests=false \
 *     [-Dstagedoor.bench.crowd=5000 -Dstagedoor.bench.crowd-connections=256 -Dstagedoor.bench.admitted=20 -Dstagedoor.bench.seconds=30]
 * </pre>
 */
class OverloadBenchmark {

	static final Logger log = LoggerFactory.getLogger(OverloadBenchmark.class);

	static final int CROWD = Integer.getInteger("stagedoor.bench.crowd", 5_000);

	static final int CONNECTIONS = Integer.getInteger("stagedoor.bench.crowd-connections", 256);

	static final int ADMITTED = Integer.getInteger("stagedoor.bench.admitted", 20);

	static final Duration DURATION = Duration.ofSeconds(Long.getLong("stagedoor.bench.seconds", 30));

	static final Map<String, String> results = Collections.synchronizedMap(new LinkedHashMap<>());

	@AfterAll
	static void report() throws IOException {
		StringBuilder text = new StringBuilder(String.format(
				"Overload: %d waiting fans polling over %d connections, %d admitted fans holding and cancelling, %d s each%n",
				CROWD, CONNECTIONS, ADMITTED, DURATION.toSeconds()));
		results.forEach((label, line) -> text.append(String.format("%-16s %s%n", label, line)));
		log.info("\n{}", text);
		System.out.println(text);
		Path out = Path.of("target", "bench", "overload-report.txt");
		Files.createDirectories(out.getParent());
		Files.writeString(out, text);
	}

	@Nested
	@IntegrationTest
	class WithLimiter extends Scenario {

		@Test
		void admittedHoldsWhileACrowdPolls() {
			run("with limiter");
		}

	}

	@Nested
	@IntegrationTest
	@TestPropertySource(properties = "stagedoor.web.limiter.enabled=false")
	class WithoutLimiter extends Scenario {

		@Test
		void admittedHoldsWhileACrowdPolls() {
			run("without limiter");
		}

	}

	abstract static class Scenario {

		@LocalServerPort
		int port;

		@Autowired
		WaitingRoom room;

		void run(String label) {
			Drop drop = Drops.create(this.port, "overload " + label, 1, ADMITTED);
			List<String> buyers = IntStream.rangeClosed(1, ADMITTED).mapToObj(i -> "ob-buyer-" + i).toList();
			Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), buyers);
			List<String> bearers = new ArrayList<>(CROWD);
			for (int i = 1; i <= CROWD; i++) {
				Admissions.enter(this.room, drop.concertId(), "ob-crowd-" + i);
				bearers.add(TestTokens.user("ob-crowd-" + i));
			}

			ConnectionProvider pool = ConnectionProvider.builder("overload-crowd")
				.maxConnections(CONNECTIONS)
				.pendingAcquireMaxCount(-1)
				.build();
			StagedoorClient crowd = StagedoorClient.on(this.port, pool);
			AtomicLong served = new AtomicLong();
			AtomicLong shed = new AtomicLong();
			AtomicLong other = new AtomicLong();
			AtomicBoolean running = new AtomicBoolean(true);
			Disposable polls = Flux.range(0, Integer.MAX_VALUE)
				.takeWhile(i -> running.get())
				.flatMap(i -> crowd.queueStatus(bearers.get(i % CROWD), drop.concertId())
					.map(reply -> reply.status() * 1_000L + retryAfter(reply.headers()))
					.onErrorReturn(0L)
					.flatMap(answer -> {
						long status = answer / 1_000;
						if (status == 200) {
							served.incrementAndGet();
							return Mono.empty();
						}
						if (status == 503) {
							shed.incrementAndGet();
							return Mono.delay(Duration.ofSeconds(Math.max(1, answer % 1_000))).then();
						}
						other.incrementAndGet();
						return Mono.empty();
					}), CONNECTIONS)
				.subscribe();

			Fans fans = new Fans(this.port);
			List<Long> millis = Collections.synchronizedList(new ArrayList<>());
			AtomicLong failed = new AtomicLong();
			long started = System.nanoTime();
			try {
				Mono.delay(Duration.ofSeconds(5)).block(); // the crowd at full pace first
				long end = System.nanoTime() + DURATION.toNanos();
				Flux.range(0, ADMITTED)
					.flatMap(i -> Mono.defer(() -> {
						String buyer = buyers.get(i);
						long t0 = System.nanoTime();
						return fans.hold(buyer, tokens.get(buyer), drop.scheduleId(), List.of(drop.seatIds().get(i)))
							.flatMap(reply -> {
								millis.add((System.nanoTime() - t0) / 1_000_000);
								if (reply.status() != 201) {
									failed.incrementAndGet();
									return Mono.delay(Duration.ofMillis(100)).then();
								}
								return fans.cancel(buyer, (String) reply.body().get("id")).then();
							});
					}).repeat(() -> System.nanoTime() < end), ADMITTED)
					.blockLast(DURATION.plusMinutes(2));
			}
			finally {
				running.set(false);
				polls.dispose();
				pool.disposeLater().block(Duration.ofSeconds(10));
			}
			double seconds = (System.nanoTime() - started) / 1e9;
			List<Long> sorted = new ArrayList<>(millis);
			Collections.sort(sorted);
			String line = String.format(
					"holds %d (not 201: %d), hold p50 %d ms, p99 %d ms, max %d ms; crowd polls served %.0f/s, shed %.0f/s, other %d",
					sorted.size(), failed.get(), percentile(sorted, 0.50), percentile(sorted, 0.99),
					sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1), served.get() / seconds, shed.get() / seconds,
					other.get());
			results.put(label, line);
			log.info("{}: {}", label, line);
			assertThat(sorted).isNotEmpty();
		}

		private static long retryAfter(HttpHeaders headers) {
			String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
			return value == null ? 0 : Math.min(999, Long.parseLong(value));
		}

		private static long percentile(List<Long> sorted, double p) {
			if (sorted.isEmpty()) {
				return 0;
			}
			return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
		}

	}

}
