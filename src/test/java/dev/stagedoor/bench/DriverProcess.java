package dev.stagedoor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a {@link TicketDropDriver} in a JVM of its own, as k6 or any load generator would
 * run: with 20,000 simulated fans in the service's own heap, the garbage collector paused
 * the service for the fans' sake (about 15 s of young-collection pauses in a 90 s drop),
 * which is a cost no deployment pays. The parent starts {@link #main} with the test class
 * path and reads back what the driver saw.
 */
final class DriverProcess {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private DriverProcess() {
	}

	/** What a drop's driver saw. */
	record Outcome(Recorder recorder, int confirmed, int cancelled, int errors, Double soldOutSeconds,
			Set<String> reservations) {

		static Outcome of(TicketDropDriver driver, Recorder recorder) {
			return new Outcome(recorder, driver.confirmed.get(), driver.cancelled.get(), driver.errors.get(),
					driver.soldOutSeconds(), Set.copyOf(driver.reservations));
		}

	}

	/** Runs the drop in a child JVM (heap {@code heap}, e.g. "2g") and waits for it. */
	@SuppressWarnings("unchecked")
	static Outcome run(int port, long concertId, long scheduleId, double cancelShare, int fans, int perSecond,
			String run, String heap, Duration timeout) throws IOException, InterruptedException {
		Path out = Files.createTempFile("stagedoor-driver", ".json");
		Path log = Files.createTempFile("stagedoor-driver", ".log");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xms" + heap, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
				DriverProcess.class.getName(), String.valueOf(port), String.valueOf(concertId),
				String.valueOf(scheduleId), String.valueOf(cancelShare), String.valueOf(fans), String.valueOf(perSecond),
				run, out.toString()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("the driver JVM did not finish in " + timeout + "; its log: " + log);
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(
						"the driver JVM failed (exit " + process.exitValue() + "): " + Files.readString(log));
			}
			Map<String, Object> data = JSON.readValue(out.toFile(), Map.class);
			Number soldOut = (Number) data.get("soldOutSeconds");
			return new Outcome(Recorder.imported((Map<String, Object>) data.get("recorder")),
					((Number) data.get("confirmed")).intValue(), ((Number) data.get("cancelled")).intValue(),
					((Number) data.get("errors")).intValue(), soldOut == null ? null : soldOut.doubleValue(),
					new LinkedHashSet<>((List<String>) data.get("reservations")));
		}
		finally {
			process.destroyForcibly();
			Files.deleteIfExists(out);
		}
	}

	/** The child: {@code port concertId scheduleId cancelShare fans perSecond run outFile}. */
	public static void main(String[] args) throws IOException {
		Recorder recorder = new Recorder();
		TicketDropDriver driver = new TicketDropDriver(Integer.parseInt(args[0]), recorder, Long.parseLong(args[1]),
				Long.parseLong(args[2]), Double.parseDouble(args[3]));
		int fans = Integer.parseInt(args[4]);
		reactor.core.Disposable progress = reactor.core.publisher.Flux.interval(Duration.ofSeconds(5))
			.subscribe(tick -> System.out.printf("%d of %d fans done, %d confirmed, requests under way: %s%n",
					driver.finished.get(), fans, driver.confirmed.get(), driver.inFlight));
		driver.run(fans, Integer.parseInt(args[5]), args[6]).block(Duration.ofMinutes(15));
		progress.dispose();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("recorder", recorder.export());
		data.put("confirmed", driver.confirmed.get());
		data.put("cancelled", driver.cancelled.get());
		data.put("errors", driver.errors.get());
		data.put("soldOutSeconds", driver.soldOutSeconds());
		data.put("reservations", List.copyOf(driver.reservations));
		JSON.writeValue(Path.of(args[7]).toFile(), data);
		System.exit(0);
	}

}
