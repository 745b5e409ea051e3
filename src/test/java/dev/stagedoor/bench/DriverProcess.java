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
import java.util.function.Consumer;

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
			Set<String> reservations, Units units) {

		static Outcome of(TicketDropDriver driver, Recorder recorder) {
			return new Outcome(recorder, driver.confirmed.get(), driver.cancelled.get(), driver.errors.get(),
					driver.soldOutSeconds(), Set.copyOf(driver.reservations), Units.of(driver));
		}

	}

	/** The driver's count of holds won with units, purchases with units, and the units they paid for. */
	record Units(int holds, int purchases, int bought) {

		static Units of(TicketDropDriver driver) {
			return new Units(driver.holdsWithUnits.get(), driver.purchasesWithUnits.get(), driver.unitsBought.get());
		}

		Map<String, Object> export() {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("holds", this.holds);
			data.put("purchases", this.purchases);
			data.put("bought", this.bought);
			return data;
		}

		static Units imported(Map<String, Object> data) {
			return new Units(((Number) data.get("holds")).intValue(), ((Number) data.get("purchases")).intValue(),
					((Number) data.get("bought")).intValue());
		}

	}

	/**
	 * Runs the warm-up drop and then the measured drop in one child JVM (heap {@code heap},
	 * e.g. "3g"), so the measured fans meet a warm driver as well as a warm service; waits for
	 * it and returns what the measured drop's driver saw. The child dies with this JVM.
	 */
	/**
	 * The collector of the fans' JVM ({@code -Dstagedoor.bench.driver-gc}, ZGC). The driver keeps
	 * every fan's state and every latency until the end, so most of what it allocates survives;
	 * with G1 (a young generation of ~130 MB) it collected every 1.5 s during the drop and each
	 * pause took 0.5–1.0 s on two shared cores (GC log of 2026-12-03 night), with a 1 GB young
	 * generation 1.4 s at once: every request in flight across a pause was seen up to a second
	 * late by a fan no real fan's device would have paused. ZGC collects concurrently.
	 */
	static final String GC = System.getProperty("stagedoor.bench.driver-gc", "-XX:+UseZGC");

	@SuppressWarnings("unchecked")
	static Outcome run(int port, DropBenchmark.Plan warmup, DropBenchmark.Plan plan, double cancelShare,
			double unitShare, String heap, Duration timeout) throws IOException, InterruptedException {
		Path out = Files.createTempFile("stagedoor-driver", ".json");
		Path log = Files.createTempFile("stagedoor-driver", ".log");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xms" + heap, "-Xmx" + heap, GC,
				"-Dstagedoor.bench.admitted-connections=" + TicketDropDriver.ADMITTED_CONNECTIONS,
				"-Dstagedoor.bench.admitted-loops=" + TicketDropDriver.ADMITTED_LOOPS));
		// e.g. -Dstagedoor.bench.driver-jvm-args=-Xlog:gc:file=/tmp/driver-gc.log to see the fans' JVM's pauses
		String extra = System.getProperty("stagedoor.bench.driver-jvm-args", "").trim();
		if (!extra.isEmpty()) {
			command.addAll(List.of(extra.split("\\s+")));
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), DriverProcess.class.getName(),
				String.valueOf(port), String.valueOf(cancelShare), String.valueOf(unitShare), out.toString()));
		for (DropBenchmark.Plan drop : List.of(warmup, plan)) {
			command.addAll(List.of(String.valueOf(drop.concertId()), String.valueOf(drop.scheduleId()),
					String.valueOf(drop.fans()), String.valueOf(drop.perSecond()), String.valueOf(drop.inventoryId())));
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		Thread reaper = new Thread(process::destroyForcibly, "stop-drop-driver");
		Runtime.getRuntime().addShutdownHook(reaper);
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("the driver JVM did not finish in " + timeout + "; its log: " + log);
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(
						"the driver JVM failed (exit " + process.exitValue() + "), its log: " + Files.readString(log));
			}
			Map<String, Object> data = JSON.readValue(out.toFile(), Map.class);
			Number soldOut = (Number) data.get("soldOutSeconds");
			Files.deleteIfExists(log);
			return new Outcome(Recorder.imported((Map<String, Object>) data.get("recorder")),
					((Number) data.get("confirmed")).intValue(), ((Number) data.get("cancelled")).intValue(),
					((Number) data.get("errors")).intValue(), soldOut == null ? null : soldOut.doubleValue(),
					new LinkedHashSet<>((List<String>) data.get("reservations")),
					Units.imported((Map<String, Object>) data.get("units")));
		}
		finally {
			process.destroyForcibly();
			Runtime.getRuntime().removeShutdownHook(reaper);
			Files.deleteIfExists(out);
		}
	}

	/**
	 * The child: {@code port cancelShare unitShare outFile} then, for the warm-up and the
	 * measured drop, {@code concertId scheduleId fans perSecond inventoryId} (0: no inventory).
	 * It exits if its parent goes away.
	 */
	public static void main(String[] args) throws IOException {
		ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(3)));
		int port = Integer.parseInt(args[0]);
		double cancelShare = Double.parseDouble(args[1]);
		double unitShare = Double.parseDouble(args[2]);
		// warm-up, not reported
		drive(port, plan(args, 4), cancelShare, unitShare, new Recorder(), System.out::println);
		Recorder recorder = new Recorder();
		TicketDropDriver driver = drive(port, plan(args, 9), cancelShare, unitShare, recorder, System.out::println);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("recorder", recorder.export());
		data.put("confirmed", driver.confirmed.get());
		data.put("cancelled", driver.cancelled.get());
		data.put("errors", driver.errors.get());
		data.put("soldOutSeconds", driver.soldOutSeconds());
		data.put("reservations", List.copyOf(driver.reservations));
		data.put("units", Units.of(driver).export());
		JSON.writeValue(Path.of(args[3]).toFile(), data);
		System.exit(0);
	}

	private static DropBenchmark.Plan plan(String[] args, int from) {
		return new DropBenchmark.Plan(Long.parseLong(args[from]), Long.parseLong(args[from + 1]),
				Integer.parseInt(args[from + 2]), Integer.parseInt(args[from + 3]), 0, Long.parseLong(args[from + 4]));
	}

	/** Runs one drop in this JVM, reporting progress every 5 s; returns its driver once every fan is done. */
	static TicketDropDriver drive(int port, DropBenchmark.Plan plan, double cancelShare, double unitShare,
			Recorder recorder, Consumer<String> progressLog) {
		TicketDropDriver driver = new TicketDropDriver(port, recorder, plan.concertId(), plan.scheduleId(), cancelShare,
				plan.inventoryId(), unitShare);
		reactor.core.Disposable progress = reactor.core.publisher.Flux.interval(Duration.ofSeconds(5))
			.subscribe(tick -> progressLog.accept(String.format("%d of %d fans done, %d confirmed, requests under way: %s",
					driver.finished.get(), plan.fans(), driver.confirmed.get(), driver.inFlight)));
		try {
			driver.run(plan.fans(), plan.perSecond(), "fan-" + plan.scheduleId()).block(Duration.ofMinutes(15));
		}
		finally {
			progress.dispose();
		}
		return driver;
	}

}
