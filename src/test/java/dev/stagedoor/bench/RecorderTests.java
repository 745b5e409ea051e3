package dev.stagedoor.bench;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The drop driver runs in its own JVM and hands its recorder back as JSON: nothing may be lost. */
class RecorderTests {

	@Test
	@SuppressWarnings("unchecked")
	void whatADriverRecordedSurvivesTheTripThroughJson() {
		Recorder recorder = new Recorder();
		long now = System.nanoTime();
		for (int i = 1; i <= 100; i++) {
			recorder.record("hold", now - i * 1_000_000L, i % 10 == 0 ? 409 : 201);
		}
		recorder.record("pay", now - 5_000_000L, 200);
		JsonMapper json = JsonMapper.builder().build();

		Recorder back = Recorder.imported(json.readValue(json.writeValueAsString(recorder.export()), Map.class));

		assertThat(back.latencySummary()).isEqualTo(recorder.latencySummary());
		assertThat(back.latencySummary().get("hold")).containsEntry("count", 100)
			.containsEntry("statuses", new java.util.TreeMap<>(Map.of(201, 90, 409, 10)));
		assertThat(back.throughput()).containsOnlyKeys("hold", "pay");
		assertThat(java.util.Arrays.stream(back.throughput().get("hold")).sum()).isEqualTo(100);
	}

}
