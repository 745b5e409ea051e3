package dev.stagedoor.support;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A counter per outcome of one decision, tagged {@code outcome}. Every outcome is registered
 * up front (so each shows 0 before it first happens, and the tag can take no other value).
 */
public final class OutcomeCounter {

	private final Map<String, Counter> counters;

	public OutcomeCounter(MeterRegistry meters, String name, String description, String... outcomes) {
		this.counters = Stream.of(outcomes)
			.collect(Collectors.toUnmodifiableMap(Function.identity(),
					outcome -> Counter.builder(name).description(description).tag("outcome", outcome).register(meters)));
	}

	public void count(String outcome) {
		Counter counter = this.counters.get(outcome);
		if (counter == null) {
			throw new IllegalArgumentException("not an outcome of this counter: " + outcome);
		}
		counter.increment();
	}

}
