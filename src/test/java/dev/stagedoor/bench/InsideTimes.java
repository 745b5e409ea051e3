package dev.stagedoor.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import dev.stagedoor.web.LoadShedding;

/**
 * How long the measured drop's requests took inside the service, from the first web filter
 * (before security and the limiter) to the end of the answer, by the driver's operation
 * names. Set beside what the fans saw, it separates the service's time from the time a
 * request spent in the load generator, the network stack or the event loop's backlog before
 * the service read it. Only requests of the concert and schedule being measured are recorded
 * (not the warm-up drop's).
 */
@TestConfiguration(proxyBeanMethods = false)
class InsideTimes {

	private volatile Recorder recorder;

	private volatile String concertPath;

	private volatile String schedulePath;

	private volatile String reservationPrefix;

	/** The measured requests the limiter shed (503 overloaded), by operation. */
	private volatile Map<String, AtomicInteger> sheds = new ConcurrentHashMap<>();

	/** From now on, records the requests of this concert and schedule (and its reservations). */
	Recorder measure(long concertId, long scheduleId) {
		Recorder measured = new Recorder();
		this.concertPath = "/api/concerts/" + concertId + "/queue";
		this.schedulePath = "/api/schedules/" + scheduleId + "/";
		this.reservationPrefix = "/api/reservations/" + scheduleId + "-";
		this.sheds = new ConcurrentHashMap<>();
		this.recorder = measured;
		return measured;
	}

	/** The measured requests answered 503 {@code overloaded} by the limiter, by operation (the rest of the 503s were not deliberate). */
	Map<String, Integer> sheds() {
		Map<String, Integer> counts = new TreeMap<>();
		this.sheds.forEach((operation, count) -> counts.put(operation, count.get()));
		return counts;
	}

	/** Records nothing more. */
	void stop() {
		this.recorder = null;
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	WebFilter insideTimesFilter() {
		return this::filter;
	}

	private Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Recorder measured = this.recorder;
		String operation = measured == null ? null : operation(exchange);
		if (operation == null) {
			return chain.filter(exchange);
		}
		long began = System.nanoTime();
		Map<String, AtomicInteger> shed = this.sheds;
		return chain.filter(exchange).doFinally(signal -> {
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			measured.record(operation, began, status == null ? 0 : status.value());
			if (exchange.getAttribute(LoadShedding.SHED_ATTRIBUTE) != null) {
				shed.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
			}
		});
	}

	private String operation(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().value();
		HttpMethod method = exchange.getRequest().getMethod();
		if (path.equals(this.concertPath)) {
			return HttpMethod.POST.equals(method) ? "queue-enter" : HttpMethod.GET.equals(method) ? "queue-poll" : "queue-leave";
		}
		if (path.startsWith(this.schedulePath)) {
			if (path.endsWith("/reservations") && HttpMethod.POST.equals(method)) {
				return "hold";
			}
			return path.endsWith("/seats") ? "seat-map" : null;
		}
		if (path.startsWith(this.reservationPrefix)) {
			return path.endsWith("/payment") ? "pay" : path.endsWith("/cancellation") ? "cancel" : null;
		}
		return null;
	}

}
