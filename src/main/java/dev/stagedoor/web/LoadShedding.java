package dev.stagedoor.web;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Admitted fans first: every {@code /api} call but admin calls runs in one of two lanes, each
 * with its own adaptive concurrency limit ({@link LimiterLane}), so the waiting room's crowd
 * can never take the capacity of admitted fans' work, and the waiting-room lane gives way to
 * the admitted one: while admitted requests wait for a permit, no waiting-room request starts.
 * The admitted lane: holds and reads of a schedule (its seat map, its inventories) carrying a
 * genuine {@code Queue-Token}, every call on an existing reservation ({@code /api/reservations/**}:
 * read, stream, payment, cancellation) and points charges. The waiting-room lane: everything
 * else (queue entry, status and streams, listings, seat maps and inventories without a
 * genuine token, stream tickets, a hold without a genuine token). A request over its lane's limit waits its turn for a short
 * while; if none comes, it is shed: 503 {@code overloaded} with {@code Retry-After}, before
 * anything of it ran. Streams hold a permit only while they open: it is given back when the
 * {@code text/event-stream} answer starts. Runs after authentication (an unauthenticated call
 * takes no permit) and inside {@link RequestTimeout}, whose limit covers the wait.
 */
@Component
@Order(0)
public class LoadShedding implements WebFilter {

	/** The endpoint classes the shed counter is tagged with ({@code endpoint}). */
	enum Endpoint {

		HOLD("hold"), RESERVATION("reservation"), POINTS("points"), QUEUE("queue"), CATALOG("catalog"), OTHER("other");

		private final String tag;

		Endpoint(String tag) {
			this.tag = tag;
		}

	}

	static final String ADMITTED = "admitted";

	static final String WAITING_ROOM = "waiting-room";

	/**
	 * The exchange attribute a shed request carries (its lane's name), so that filters around
	 * this one (access logs, the drop benchmark's timings) can tell a deliberate shed from
	 * other 503 answers.
	 */
	public static final String SHED_ATTRIBUTE = LoadShedding.class.getName() + ".shed";

	private final boolean enabled;

	private final LimiterLane admitted;

	private final LimiterLane waitingRoom;

	private final ObjectProvider<QueueTokenCheck> tokens;

	private final ProblemWriter problems;

	private final Map<Endpoint, Counter> admittedSheds = new EnumMap<>(Endpoint.class);

	private final Map<Endpoint, Counter> waitingRoomSheds = new EnumMap<>(Endpoint.class);

	LoadShedding(LimiterProperties properties, ObjectProvider<QueueTokenCheck> tokens, ProblemWriter problems,
			MeterRegistry meters) {
		this.enabled = properties.enabled();
		this.admitted = new LimiterLane(ADMITTED, properties.admitted());
		this.waitingRoom = new LimiterLane(WAITING_ROOM, properties.waitingRoom());
		this.waitingRoom.yieldTo(this.admitted);
		this.tokens = tokens;
		this.problems = problems;
		for (Endpoint endpoint : List.of(Endpoint.HOLD, Endpoint.RESERVATION, Endpoint.POINTS)) {
			this.admittedSheds.put(endpoint, shedCounter(meters, ADMITTED, endpoint));
		}
		for (Endpoint endpoint : List.of(Endpoint.HOLD, Endpoint.QUEUE, Endpoint.CATALOG, Endpoint.OTHER)) {
			this.waitingRoomSheds.put(endpoint, shedCounter(meters, WAITING_ROOM, endpoint));
		}
		if (this.enabled) {
			for (LimiterLane lane : List.of(this.admitted, this.waitingRoom)) {
				Gauge.builder("stagedoor.web.limiter.limit", lane, LimiterLane::limit)
					.description("requests of the lane allowed to run at once (adaptive)")
					.tag("lane", lane.name())
					.register(meters);
				Gauge.builder("stagedoor.web.limiter.in.flight", lane, LimiterLane::inFlight)
					.description("requests of the lane running")
					.tag("lane", lane.name())
					.register(meters);
				Gauge.builder("stagedoor.web.limiter.queued", lane, LimiterLane::queued)
					.description("requests of the lane waiting for a permit")
					.tag("lane", lane.name())
					.register(meters);
			}
		}
	}

	private static Counter shedCounter(MeterRegistry meters, String lane, Endpoint endpoint) {
		return Counter.builder("stagedoor.web.limiter.shed")
			.description("requests answered 503 overloaded by the concurrency limiter")
			.tag("lane", lane)
			.tag("endpoint", endpoint.tag)
			.register(meters);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.enabled) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = exchange.getRequest();
		Endpoint endpoint = endpoint(request);
		if (endpoint == null) {
			return chain.filter(exchange);
		}
		LimiterLane lane = isAdmitted(request, endpoint) ? this.admitted : this.waitingRoom;
		return lane.acquire()
			.flatMap(permit -> run(exchange, chain, permit).thenReturn(Boolean.TRUE))
			.switchIfEmpty(Mono.defer(() -> shed(exchange, lane, endpoint).thenReturn(Boolean.FALSE)))
			.then();
	}

	private static Mono<Void> run(ServerWebExchange exchange, WebFilterChain chain, LimiterLane.Permit permit) {
		ServerHttpResponse response = exchange.getResponse();
		// a stream gives its permit back as soon as it has opened: it then costs no more than a held connection
		response.beforeCommit(() -> {
			if (isStream(response)) {
				permit.done();
			}
			return Mono.empty();
		});
		return chain.filter(exchange).doFinally(signal -> {
			if (signal == SignalType.CANCEL) {
				permit.abandoned();
			}
			else {
				permit.done();
			}
		});
	}

	private Mono<Void> shed(ServerWebExchange exchange, LimiterLane lane, Endpoint endpoint) {
		(lane == this.admitted ? this.admittedSheds : this.waitingRoomSheds).get(endpoint).increment();
		exchange.getAttributes().put(SHED_ATTRIBUTE, lane.name());
		ProblemDetail problem = Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "overloaded",
				"The service is at capacity and did not run this request (nothing changed); retry after "
						+ lane.retryAfterSeconds() + " s, as Retry-After says.");
		exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(lane.retryAfterSeconds()));
		return this.problems.reject(exchange, problem);
	}

	private boolean isAdmitted(ServerHttpRequest request, Endpoint endpoint) {
		if (endpoint == Endpoint.RESERVATION || endpoint == Endpoint.POINTS) {
			return true;
		}
		if (endpoint != Endpoint.HOLD && !isScheduleRead(request, endpoint)) {
			return false;
		}
		String token = request.getHeaders().getFirst("Queue-Token");
		QueueTokenCheck check = this.tokens.getIfAvailable();
		return token != null && (check == null || check.isGenuine(token));
	}

	/** A read of a schedule (the schedule, its seat map, its inventories): admitted work when it shows an admission. */
	private static boolean isScheduleRead(ServerHttpRequest request, Endpoint endpoint) {
		return endpoint == Endpoint.CATALOG && HttpMethod.GET.equals(request.getMethod())
				&& request.getPath().pathWithinApplication().value().startsWith("/api/schedules/");
	}

	/** The endpoint class of an {@code /api} call, {@code null} for calls the limiter leaves alone. */
	static Endpoint endpoint(ServerHttpRequest request) {
		String path = request.getPath().pathWithinApplication().value();
		HttpMethod method = request.getMethod();
		if (!path.startsWith("/api/") || path.startsWith("/api/admin/") || HttpMethod.OPTIONS.equals(method)) {
			return null;
		}
		if (path.startsWith("/api/reservations/")) {
			return Endpoint.RESERVATION;
		}
		if (HttpMethod.POST.equals(method) && path.startsWith("/api/schedules/") && path.endsWith("/reservations")) {
			return Endpoint.HOLD;
		}
		if (HttpMethod.POST.equals(method) && path.equals("/api/me/points/charges")) {
			return Endpoint.POINTS;
		}
		if (path.startsWith("/api/concerts/") && (path.endsWith("/queue") || path.endsWith("/queue/stream"))) {
			return Endpoint.QUEUE;
		}
		if (path.equals("/api/concerts") || path.startsWith("/api/concerts/") || path.startsWith("/api/schedules/")) {
			return Endpoint.CATALOG;
		}
		return Endpoint.OTHER;
	}

	private static boolean isStream(ServerHttpResponse response) {
		MediaType type = response.getHeaders().getContentType();
		return type != null && MediaType.TEXT_EVENT_STREAM.equalsTypeAndSubtype(type);
	}

	/** For tests: the lane by name. */
	LimiterLane lane(String name) {
		return ADMITTED.equals(name) ? this.admitted : this.waitingRoom;
	}

}
