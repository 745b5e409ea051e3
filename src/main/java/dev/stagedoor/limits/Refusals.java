package dev.stagedoor.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The meter of every fair-play refusal, {@code stagedoor.refusals}, tagged {@code class} (the
 * endpoint class) and {@code reason}: {@code user-rate} and {@code address-rate} (a token
 * bucket was empty), {@code limiter-unavailable} (a queue entry refused because the limiter
 * could not reach Redis), {@code address-entries} (the per-address cap on queue entries) and
 * {@code hold-cooldown} (seat spinning). And {@code stagedoor.rate.limit.fail.open}, tagged
 * {@code class}: requests let through unchecked because the limiter could not reach Redis.
 * Every combination that can happen is registered at start-up, at 0.
 */
@Component
public class Refusals {

	public enum Reason {

		USER_RATE("user-rate"), ADDRESS_RATE("address-rate"), LIMITER_UNAVAILABLE("limiter-unavailable"),
		ADDRESS_ENTRIES("address-entries"), HOLD_COOLDOWN("hold-cooldown");

		private final String tag;

		Reason(String tag) {
			this.tag = tag;
		}

		public String tag() {
			return this.tag;
		}

	}

	private final MeterRegistry meters;

	public Refusals(MeterRegistry meters) {
		this.meters = meters;
		for (EndpointClass endpoint : EndpointClass.values()) {
			counter(endpoint, Reason.USER_RATE);
			counter(endpoint, Reason.ADDRESS_RATE);
			failOpen(endpoint);
		}
		counter(EndpointClass.QUEUE, Reason.LIMITER_UNAVAILABLE);
		counter(EndpointClass.QUEUE, Reason.ADDRESS_ENTRIES);
		counter(EndpointClass.HOLDS, Reason.HOLD_COOLDOWN);
	}

	public void count(EndpointClass endpoint, Reason reason) {
		counter(endpoint, reason).increment();
	}

	void failedOpen(EndpointClass endpoint) {
		failOpen(endpoint).increment();
	}

	private Counter counter(EndpointClass endpoint, Reason reason) {
		return Counter.builder("stagedoor.refusals")
			.description("Requests refused by the fair-play defences, by endpoint class and reason")
			.tag("class", endpoint.id())
			.tag("reason", reason.tag())
			.register(this.meters);
	}

	private Counter failOpen(EndpointClass endpoint) {
		return Counter.builder("stagedoor.rate.limit.fail.open")
			.description("Requests let through unchecked because the rate limiter could not reach Redis")
			.tag("class", endpoint.id())
			.register(this.meters);
	}

}
