package dev.stagedoor.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the load generator saw: every request's latency by operation, and how many of each
 * finished in each second of the run. Thread-safe; cheap enough for a few hundred
 * thousand requests.
 */
final class Recorder {

	private final long start = System.nanoTime();

	/** The run's length when this recorder was read back from another process, else null. */
	private final Double importedSeconds;

	private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();

	private final Map<String, Map<Integer, Integer>> perSecond = new ConcurrentHashMap<>();

	private final Map<String, Map<Integer, Integer>> statuses = new ConcurrentHashMap<>();

	Recorder() {
		this.importedSeconds = null;
	}

	private Recorder(double seconds) {
		this.importedSeconds = seconds;
	}

	/** Everything recorded, as JSON-friendly maps, to hand over to another process. */
	Map<String, Object> export() {
		Map<String, Object> data = new LinkedHashMap<>();
		Map<String, long[]> nanos = new TreeMap<>();
		this.latencies.forEach((operation, list) -> {
			synchronized (list) {
				nanos.put(operation, list.stream().mapToLong(Long::longValue).toArray());
			}
		});
		data.put("seconds", secondsSinceStart());
		data.put("latencyNanos", nanos);
		data.put("perSecond", this.perSecond);
		data.put("statuses", this.statuses);
		return data;
	}

	/** A recorder holding what {@link #export()} wrote (parsed back from JSON). */
	@SuppressWarnings("unchecked")
	static Recorder imported(Map<String, Object> data) {
		Recorder recorder = new Recorder(((Number) data.get("seconds")).doubleValue());
		((Map<String, List<Number>>) data.get("latencyNanos")).forEach((operation, values) -> recorder.latencies
			.put(operation, new ArrayList<>(values.stream().map(Number::longValue).toList())));
		((Map<String, Map<String, Number>>) data.get("perSecond")).forEach((operation, counts) -> {
			Map<Integer, Integer> bySecond = new ConcurrentHashMap<>();
			counts.forEach((second, count) -> bySecond.put(Integer.valueOf(second), count.intValue()));
			recorder.perSecond.put(operation, bySecond);
		});
		((Map<String, Map<String, Number>>) data.get("statuses")).forEach((operation, counts) -> {
			Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
			counts.forEach((status, count) -> byStatus.put(Integer.valueOf(status), count.intValue()));
			recorder.statuses.put(operation, byStatus);
		});
		return recorder;
	}

	long startNanos() {
		return this.start;
	}

	/** Records one request of {@code operation} that began at {@code beganNanos}. */
	void record(String operation, long beganNanos, int status) {
		long now = System.nanoTime();
		List<Long> list = this.latencies.computeIfAbsent(operation, k -> new ArrayList<>());
		synchronized (list) {
			list.add(now - beganNanos);
		}
		int second = (int) ((now - this.start) / 1_000_000_000L);
		this.perSecond.computeIfAbsent(operation, k -> new ConcurrentHashMap<>()).merge(second, 1, Integer::sum);
		this.statuses.computeIfAbsent(operation, k -> new ConcurrentHashMap<>()).merge(status, 1, Integer::sum);
	}

	double secondsSinceStart() {
		return this.importedSeconds != null ? this.importedSeconds : (System.nanoTime() - this.start) / 1e9;
	}

	/** Per operation: count, statuses, p50/p95/p99/max in ms. */
	Map<String, Map<String, Object>> latencySummary() {
		Map<String, Map<String, Object>> summary = new TreeMap<>();
		this.latencies.forEach((operation, list) -> {
			long[] sorted;
			synchronized (list) {
				sorted = list.stream().mapToLong(Long::longValue).toArray();
			}
			Arrays.sort(sorted);
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("count", sorted.length);
			row.put("statuses", new TreeMap<>(this.statuses.getOrDefault(operation, Map.of())));
			row.put("p50Ms", percentile(sorted, 0.50));
			row.put("p95Ms", percentile(sorted, 0.95));
			row.put("p99Ms", percentile(sorted, 0.99));
			row.put("maxMs", sorted.length == 0 ? 0 : round(sorted[sorted.length - 1] / 1e6));
			summary.put(operation, row);
		});
		return summary;
	}

	/** Per operation: requests finished in each second, second 0 first. */
	Map<String, int[]> throughput() {
		int seconds = (int) Math.ceil(secondsSinceStart());
		Map<String, int[]> series = new TreeMap<>();
		this.perSecond.forEach((operation, counts) -> {
			int[] values = new int[seconds + 1];
			counts.forEach((second, count) -> {
				if (second <= seconds) {
					values[second] = count;
				}
			});
			series.put(operation, values);
		});
		return series;
	}

	static double percentile(long[] sortedNanos, double p) {
		if (sortedNanos.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(p * sortedNanos.length) - 1;
		return round(sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1e6);
	}

	static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

}
