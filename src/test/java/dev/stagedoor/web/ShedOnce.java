package dev.stagedoor.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Fault injection for client tests: the next requests to an armed method and path are answered
 * exactly as the load shedder answers a shed request (503 {@code overloaded} problem+json with
 * {@code Retry-After: 1}, before any handler), so a test can show what a client does with one.
 * Every request to an armed path is counted, shed or not. Registered by
 * {@code @Import(ShedOnce.class)} only (not a @Configuration, so no component scan picks it up).
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ShedOnce implements WebFilter {

	private final Map<String, AtomicInteger> toShed = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

	private final ProblemWriter problems;

	ShedOnce(ProblemWriter problems) {
		this.problems = problems;
	}

	/** Sheds the next {@code times} requests of {@code method} to exactly {@code path}. */
	void arm(String method, String path, int times) {
		this.toShed.put(method + " " + path, new AtomicInteger(times));
		this.seen.put(method + " " + path, new AtomicInteger());
	}

	/** Requests to an armed method and path since it was armed, shed ones included. */
	int seen(String method, String path) {
		AtomicInteger count = this.seen.get(method + " " + path);
		return count == null ? 0 : count.get();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String key = exchange.getRequest().getMethod().name() + " " + exchange.getRequest().getPath().value();
		AtomicInteger left = this.toShed.get(key);
		if (left == null) {
			return chain.filter(exchange);
		}
		this.seen.get(key).incrementAndGet();
		if (left.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
			return chain.filter(exchange);
		}
		exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		return this.problems.reject(exchange, Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "overloaded",
				"The service is overloaded; retry after Retry-After seconds."));
	}

}
