package dev.stagedoor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.context.ContextConfiguration;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.Concerts;
import dev.stagedoor.TestInfrastructure;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.QueueKeys;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams instead of polls (not part of {@code ./mvnw verify}: its name does not end in Tests):
 * 15,000 fans wait in one room, each following its place over a queue stream opened from one
 * of three follower JVMs ({@link StreamFollowers}, 5,000 each, this machine allows 20,000 open
 * files per process); then the room admits 1,000 a second and every follower must get its
 * ADMITTED event. Reported: the service's CPU with the streams open against without them (per
 * 1,000 streams), its heap after a collection with them open, and how long each ADMITTED event
 * took after the admission (the room's tick, {@code stagedoor.queue.poll-interval}, is 500 ms).
 * The service runs in this JVM with the production limiter on. Writes
 * {@code target/bench/streams-report.json}.
 * <pre>
 * ./mvnw test -Dtest=QueueStreamsBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     [-Dstagedoor.bench.streams=15000 -Dstagedoor.bench.stream-processes=3 -Dstagedoor.bench.streams-admit=1000]
 * </pre>
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "stagedoor.queue.admission-interval=100ms", "logging.level.root=warn",
				"logging.level.dev.stagedoor.bench=info",
				// every follower comes from 127.0.0.1 and opens its stream within seconds of the others
				"stagedoor.rate-limit.seats.per-address.capacity=1000000",
				"stagedoor.rate-limit.seats.per-user.capacity=1000000",
				// a room whose fans follow streams: at the default of 100 running waiting-room requests,
				// 15,000 openings at once took ~2 minutes and some fans lost their places to the idle timeout
				"stagedoor.web.limiter.waiting-room.max-limit=250" })
@ContextConfiguration(initializers = TestInfrastructure.Initializer.class)
class QueueStreamsBenchmark {

	private static final Logger log = LoggerFactory.getLogger(QueueStreamsBenchmark.class);

	private static final int STREAMS = Integer.getInteger("stagedoor.bench.streams", 15_000);

	private static final int PROCESSES = Integer.getInteger("stagedoor.bench.stream-processes", 3);

	private static final int ADMIT = Integer.getInteger("stagedoor.bench.streams-admit", 1_000);

	private static final long TICK_MS = 500;

	private static final int ACTIVE_TTL_SECONDS = 3600;

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	RedisKeyspace keyspace;

	@Test
	void fifteenThousandQueueStreams() throws Exception {
		long concert = Concerts.create(this.port, "Streams bench");
		// while the followers gather, the room admits one fan in all (the settings' minimum)
		Concerts.configureQueue(this.port, concert, 1, 1, ACTIVE_TTL_SECONDS);
		String prefix = "streams-" + concert + "-";
		Flux.range(0, STREAMS)
			.parallel(8)
			.runOn(Schedulers.boundedElastic())
			.doOnNext(i -> Admissions.enter(this.room, concert, prefix + i))
			.sequential()
			.blockLast();

		Usage idle = usage(Duration.ofSeconds(10));
		log.info("No stream open: {} % of a core", Math.round(idle.cores() * 1000) / 10.0);

		Path dir = Files.createDirectories(Path.of("target", "bench", "streams"));
		List<Process> followers = new ArrayList<>();
		List<Path> logs = new ArrayList<>();
		List<Path> outs = new ArrayList<>();
		int each = STREAMS / PROCESSES;
		for (int p = 0; p < PROCESSES; p++) {
			int count = p == PROCESSES - 1 ? STREAMS - each * p : each;
			Path out = dir.resolve("followers-" + p + ".json");
			Path logFile = dir.resolve("followers-" + p + ".log");
			Files.deleteIfExists(out);
			List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
					"-cp", System.getProperty("java.class.path"), StreamFollowers.class.getName(),
					String.valueOf(this.port), String.valueOf(concert), prefix, String.valueOf(each * p),
					String.valueOf(count), out.toString(), "600");
			followers.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start());
			logs.add(logFile);
			outs.add(out);
		}
		try {
			long started = System.nanoTime();
			for (Path logFile : logs) {
				await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
					.until(() -> Files.readString(logFile).contains("OPENED"));
			}
			double openSeconds = (System.nanoTime() - started) / 1e9;
			List<String> opened = logs.stream().map(QueueStreamsBenchmark::openedLine).toList();
			log.info("Streams opened in {} s: {}", Math.round(openSeconds), opened);

			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			memory.gc();
			long heapMb = memory.getHeapMemoryUsage().getUsed() / (1024 * 1024);
			Usage open = usage(Duration.ofSeconds(20));
			double perThousand = (open.cores() - idle.cores()) / (STREAMS / 1000.0);
			log.info("{} streams open: {} % of a core, heap after GC {} MB; {} % of a core per 1,000 streams", STREAMS,
					Math.round(open.cores() * 1000) / 10.0, heapMb, Math.round(perThousand * 1000) / 10.0);

			long admissionsFrom = System.currentTimeMillis();
			Concerts.configureQueue(this.port, concert, 2 * STREAMS, ADMIT, ACTIVE_TTL_SECONDS);
			for (Process follower : followers) {
				assertThat(follower.waitFor(STREAMS / ADMIT + 300, TimeUnit.SECONDS)).as("followers done").isTrue();
			}

			Map<String, Long> receivedAt = new LinkedHashMap<>();
			int openedCount = 0;
			int failed = 0;
			int shed = 0;
			int reset = 0;
			for (Path out : outs) {
				@SuppressWarnings("unchecked")
				Map<String, Object> data = JsonMapper.builder().build().readValue(out.toFile(), Map.class);
				openedCount += ((Number) data.get("opened")).intValue();
				failed += ((Number) data.get("failed")).intValue();
				shed += ((Number) data.get("shedOpenings")).intValue();
				reset += ((Number) data.get("resetOpenings")).intValue();
				((Map<?, ?>) data.get("admittedAt"))
					.forEach((user, ms) -> receivedAt.put((String) user, ((Number) ms).longValue()));
			}
			// when each was admitted: its expiry in the room's active set (user -> ms), less the TTL
			String active = QueueKeys.of(this.keyspace, concert).active();
			List<Long> delays = new ArrayList<>();
			for (Map.Entry<String, Long> received : receivedAt.entrySet()) {
				Double expiry = this.redis.opsForZSet().score(active, received.getKey()).block(Duration.ofSeconds(5));
				long admittedAt = expiry == null ? 0 : expiry.longValue() - ACTIVE_TTL_SECONDS * 1000L;
				// only admissions made while the stream was open (not the one before the phase)
				if (admittedAt >= admissionsFrom) {
					delays.add(received.getValue() - admittedAt);
				}
			}
			List<Long> sorted = delays.stream().sorted().toList();
			long overTick = sorted.stream().filter(d -> d > TICK_MS).count();
			Map<String, Object> report = new LinkedHashMap<>();
			report.put("streams", STREAMS);
			report.put("followerJvms", PROCESSES);
			report.put("admitPerSecond", ADMIT);
			report.put("secondsToOpen", Math.round(openSeconds));
			report.put("opened", openedCount);
			report.put("failed", failed);
			report.put("shedOpenings", shed);
			report.put("resetOpenings", reset);
			report.put("admittedEvents", receivedAt.size());
			report.put("cpuCoresIdle", idle.cores());
			report.put("cpuCoresWithStreams", open.cores());
			report.put("cpuPercentOfACorePer1000Streams", perThousand * 100);
			report.put("heapAfterGcMbWithStreams", heapMb);
			report.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
			report.put("admittedEventDelayMs", Map.of("p50", percentile(sorted, 0.5), "p99", percentile(sorted, 0.99),
					"max", sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1)));
			report.put("delaysMeasured", delays.size());
			report.put("overOneTick", overTick);
			Files.writeString(Path.of("target", "bench", "streams-report.json"),
					JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(report));
			log.info("Streams report: {}", report);

			assertThat(openedCount).as("streams opened").isEqualTo(STREAMS);
			assertThat(receivedAt).as("ADMITTED events").hasSize(STREAMS);
		}
		finally {
			followers.forEach(Process::destroyForcibly);
		}
	}

	private static String openedLine(Path logFile) {
		try {
			return Files.readAllLines(logFile).stream().filter(l -> l.startsWith("OPENED")).findFirst().orElse("");
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long percentile(List<Long> sorted, double p) {
		return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
	}

	/** This JVM's CPU over a window, in cores (1.0 = one core busy all the time). */
	private static Usage usage(Duration window) throws InterruptedException {
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		long cpu = os.getProcessCpuTime();
		long wall = System.nanoTime();
		TimeUnit.MILLISECONDS.sleep(window.toMillis());
		return new Usage((os.getProcessCpuTime() - cpu) / (double) (System.nanoTime() - wall));
	}

	private record Usage(double cores) {
	}

}
