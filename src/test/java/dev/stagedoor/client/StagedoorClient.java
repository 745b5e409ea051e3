package dev.stagedoor.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;
import reactor.netty.resources.ConnectionProvider;

/**
 * The Java client of Stagedoor's HTTP API, for the integration tests, the drop driver and the
 * benchmarks: the one place that knows the paths ({@link Endpoint}), the headers
 * ({@code Authorization: Bearer}, {@code Queue-Token}, {@code Idempotency-Key},
 * {@code Last-Event-ID}, {@code If-None-Match}) and the request bodies, and decodes the
 * answers ({@link ApiReply}). Non-blocking: every call is a cold {@link Mono} (subscribing
 * again sends the request again) that emits the reply whatever its status; only a failed
 * connection or a timeout of the caller's is an error. Each body is read to its end, so no
 * connection is left holding an unread response. Event streams are {@link Flux}es of
 * {@link ServerSentEvent}s that fail on a status other than 2xx.
 * <p>
 * Callers pass the bearer token itself (null: no Authorization header), so that a caller
 * sending many requests as one user signs its token once.
 */
public final class StagedoorClient {

	/** A reply body may be a whole seat map: 2,000 seats are well under this. */
	private static final int MAX_BODY = 8 * 1024 * 1024;

	public static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> OBJECT_EVENTS = new ParameterizedTypeReference<>() {
	};

	public static final ParameterizedTypeReference<ServerSentEvent<List<Map<String, Object>>>> LIST_EVENTS = new ParameterizedTypeReference<>() {
	};

	/** The request attribute naming the {@link Endpoint} a request was sent for. */
	public static final String ENDPOINT_ATTRIBUTE = StagedoorClient.class.getName() + ".endpoint";

	private final WebClient web;

	/** A client of {@code web}, which must have the service's base URL. */
	public StagedoorClient(WebClient web) {
		this.web = web;
	}

	/** A client of the service on localhost:{@code port}, over Reactor Netty's shared connection pool. */
	public static StagedoorClient on(int port) {
		return new StagedoorClient(builder(port).build());
	}

	/** A client of the service on localhost:{@code port}, over a connection pool of the caller's. */
	public static StagedoorClient on(int port, ConnectionProvider connections) {
		return new StagedoorClient(
				builder(port).clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections))).build());
	}

	/**
	 * A client of the service on localhost:{@code port}, over a connection pool and event loops
	 * of the caller's (its requests and answers are not handled behind other clients' in the
	 * same JVM).
	 */
	public static StagedoorClient on(int port, ConnectionProvider connections, LoopResources loops) {
		return new StagedoorClient(builder(port)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections).runOn(loops)))
			.build());
	}

	private static WebClient.Builder builder(int port) {
		return WebClient.builder()
			.baseUrl("http://localhost:" + port)
			.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_BODY));
	}

	// admin

	/** {@code POST /api/admin/concerts}. */
	public Mono<ApiReply> createConcert(String bearer, String title, String venue) {
		return send(Endpoint.CONCERT_CREATE, bearer, null, Map.of("title", title, "venue", venue));
	}

	/** {@code PUT /api/admin/concerts/{concertId}/queue}: the waiting room's settings. */
	public Mono<ApiReply> configureQueue(String bearer, long concertId, int maxActive, int admitPerSecond,
			int activeTtlSeconds) {
		return send(Endpoint.QUEUE_CONFIGURE, bearer, null, Map.of("maxActive", maxActive, "admitPerSecond",
				admitPerSecond, "activeTtlSeconds", activeTtlSeconds), concertId);
	}

	/** {@code GET /api/admin/concerts/{concertId}/queue}: the waiting room's figures. */
	public Mono<ApiReply> queueStats(String bearer, long concertId) {
		return send(Endpoint.QUEUE_STATS, bearer, null, null, concertId);
	}

	/**
	 * {@code POST /api/admin/concerts/{concertId}/schedules}: a schedule starting at
	 * {@code startsAt}, with {@code cancelDeadline} (null: none) and {@code sections}.
	 */
	public Mono<ApiReply> createSchedule(String bearer, long concertId, String startsAt, String cancelDeadline,
			List<Section> sections) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("startsAt", startsAt);
		if (cancelDeadline != null) {
			body.put("cancelDeadline", cancelDeadline);
		}
		body.put("sections", sections.stream().map(Section::json).toList());
		return send(Endpoint.SCHEDULE_CREATE, bearer, null, body, concertId);
	}

	/** {@code POST /api/admin/schedules/{scheduleId}/inventories}: a quantity inventory. */
	public Mono<ApiReply> createInventory(String bearer, long scheduleId, String name, int quantity, long price,
			int maxPerUser) {
		return send(Endpoint.INVENTORY_CREATE, bearer, null,
				Map.of("name", name, "quantity", quantity, "price", price, "maxPerUser", maxPerUser), scheduleId);
	}

	/**
	 * {@code POST /api/admin/schedules/{scheduleId}/inventories} without {@code maxPerUser}: the
	 * service's default limit per fan applies.
	 */
	public Mono<ApiReply> createInventory(String bearer, long scheduleId, String name, int quantity, long price) {
		return send(Endpoint.INVENTORY_CREATE, bearer, null, Map.of("name", name, "quantity", quantity, "price", price),
				scheduleId);
	}

	/** {@code POST /api/admin/schedules/{scheduleId}/rebuild}: rebuild the schedule's Redis state. */
	public Mono<ApiReply> rebuild(String bearer, long scheduleId) {
		return send(Endpoint.SCHEDULE_REBUILD, bearer, null, null, scheduleId);
	}

	/** {@code GET /api/admin/concerts/{concertId}/stats/stream}: the drop's figures as they change. */
	public Flux<ServerSentEvent<Map<String, Object>>> statsEvents(String bearer, long concertId) {
		return events(Endpoint.STATS_STREAM, bearer, null, OBJECT_EVENTS, concertId);
	}

	// catalogue

	/** {@code GET /api/concerts}. */
	public Mono<ApiReply> concerts(String bearer) {
		return send(Endpoint.CONCERTS, bearer, null, null);
	}

	/** {@code GET /api/concerts/{concertId}}. */
	public Mono<ApiReply> concert(String bearer, long concertId) {
		return send(Endpoint.CONCERT, bearer, null, null, concertId);
	}

	/** {@code GET /api/concerts/{concertId}/schedules}. */
	public Mono<ApiReply> schedules(String bearer, long concertId) {
		return send(Endpoint.SCHEDULES, bearer, null, null, concertId);
	}

	/** {@code GET /api/schedules/{scheduleId}}. */
	public Mono<ApiReply> schedule(String bearer, long scheduleId) {
		return send(Endpoint.SCHEDULE, bearer, null, null, scheduleId);
	}

	/** {@code GET /api/schedules/{scheduleId}/seats}, every seat. */
	public Mono<ApiReply> seats(String bearer, long scheduleId) {
		return seats(bearer, scheduleId, null, null);
	}

	/**
	 * {@code GET /api/schedules/{scheduleId}/seats?status=}: only seats in {@code status} (null:
	 * all), {@code If-None-Match: etag} when one is given (a 304 then when nothing changed).
	 */
	public Mono<ApiReply> seats(String bearer, long scheduleId, String status, String etag) {
		return seats(bearer, scheduleId, status, etag, null);
	}

	/**
	 * The same, by an admitted fan showing its {@code Queue-Token} (when not null): the read
	 * then counts as admitted work in the service's limiter.
	 */
	public Mono<ApiReply> seats(String bearer, long scheduleId, String status, String etag, String queueToken) {
		MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
		if (status != null) {
			query.add("status", status);
		}
		return exchange(Endpoint.SEAT_MAP, bearer, query, h -> {
			if (etag != null) {
				h.setIfNoneMatch(etag);
			}
			if (queueToken != null) {
				h.set("Queue-Token", queueToken);
			}
		}, null, scheduleId);
	}

	/** {@code GET /api/schedules/{scheduleId}/seats/stream}: the {@code snapshot}, then {@code seats} changes. */
	public Flux<ServerSentEvent<List<Map<String, Object>>>> seatEvents(String bearer, long scheduleId) {
		return events(Endpoint.SEATS_STREAM, bearer, null, LIST_EVENTS, scheduleId);
	}

	/** {@code GET /api/schedules/{scheduleId}/inventories}: the quantity inventories with their counts. */
	public Mono<ApiReply> inventories(String bearer, long scheduleId) {
		return send(Endpoint.INVENTORIES, bearer, null, null, scheduleId);
	}

	/** {@code GET /api/schedules/{scheduleId}/inventories/stream}. */
	public Flux<ServerSentEvent<List<Map<String, Object>>>> inventoryEvents(String bearer, long scheduleId) {
		return events(Endpoint.INVENTORIES_STREAM, bearer, null, LIST_EVENTS, scheduleId);
	}

	// waiting room

	/** {@code POST /api/concerts/{concertId}/queue}: enter the waiting room (201 placed, 200 already in). */
	public Mono<ApiReply> enterQueue(String bearer, long concertId) {
		return send(Endpoint.QUEUE_ENTER, bearer, null, null, concertId);
	}

	/** {@code GET /api/concerts/{concertId}/queue}: place, or admission and its token. */
	public Mono<ApiReply> queueStatus(String bearer, long concertId) {
		return send(Endpoint.QUEUE_STATUS, bearer, null, null, concertId);
	}

	/** {@code DELETE /api/concerts/{concertId}/queue}. */
	public Mono<ApiReply> leaveQueue(String bearer, long concertId) {
		return send(Endpoint.QUEUE_LEAVE, bearer, null, null, concertId);
	}

	/** {@code GET /api/concerts/{concertId}/queue/stream}, its data decoded as {@code type}. */
	public <T> Flux<ServerSentEvent<T>> queueEvents(String bearer, long concertId,
			ParameterizedTypeReference<ServerSentEvent<T>> type) {
		return events(Endpoint.QUEUE_STREAM, bearer, null, type, concertId);
	}

	// reservations

	/** {@code POST /api/schedules/{scheduleId}/reservations} of seats. */
	public Mono<ApiReply> hold(String bearer, String queueToken, long scheduleId, List<Long> seatIds) {
		return hold(bearer, queueToken, scheduleId, Map.of("seatIds", seatIds));
	}

	/** {@code POST /api/schedules/{scheduleId}/reservations} of seats and units ({@code items}: inventory id → quantity). */
	public Mono<ApiReply> hold(String bearer, String queueToken, long scheduleId, List<Long> seatIds,
			Map<Long, Integer> items) {
		List<Map<String, Object>> wanted = items.entrySet()
			.stream()
			.map(e -> Map.<String, Object>of("inventoryId", e.getKey(), "quantity", e.getValue()))
			.toList();
		return hold(bearer, queueToken, scheduleId, Map.of("seatIds", seatIds, "items", wanted));
	}

	/**
	 * {@code POST /api/schedules/{scheduleId}/reservations} with a body of the caller's (a
	 * string is sent as it is): for tests of what the service does with odd requests.
	 * {@code Queue-Token} is sent when not null.
	 */
	public Mono<ApiReply> hold(String bearer, String queueToken, long scheduleId, Object body) {
		return send(Endpoint.HOLD, bearer, h -> {
			if (queueToken != null) {
				h.set("Queue-Token", queueToken);
			}
		}, body, scheduleId);
	}

	/** {@code GET /api/reservations/{id}}. */
	public Mono<ApiReply> reservation(String bearer, String reservationId) {
		return send(Endpoint.RESERVATION, bearer, null, null, reservationId);
	}

	/** {@code POST /api/reservations/{id}/payment}. */
	public Mono<ApiReply> pay(String bearer, String reservationId) {
		return send(Endpoint.PAY, bearer, null, null, reservationId);
	}

	/** {@code POST /api/reservations/{id}/cancellation}. */
	public Mono<ApiReply> cancel(String bearer, String reservationId) {
		return send(Endpoint.CANCEL, bearer, null, null, reservationId);
	}

	/**
	 * {@code GET /api/reservations/{id}/stream}: every event of the stream, resumed after
	 * {@code lastEventId} ({@code Last-Event-ID}) when not null.
	 */
	public Flux<ServerSentEvent<Map<String, Object>>> reservationEvents(String bearer, String reservationId,
			String lastEventId) {
		return events(Endpoint.RESERVATION_STREAM, bearer, h -> {
			if (lastEventId != null) {
				h.set("Last-Event-ID", lastEventId);
			}
		}, OBJECT_EVENTS, reservationId);
	}

	/** {@code GET /api/me/reservations}. */
	public Mono<ApiReply> myReservations(String bearer) {
		return send(Endpoint.MY_RESERVATIONS, bearer, null, null);
	}

	/** {@code POST /api/me/stream-tickets}: a ticket for an EventSource, which cannot send headers. */
	public Mono<ApiReply> streamTicket(String bearer) {
		return send(Endpoint.STREAM_TICKET, bearer, null, null);
	}

	// points

	/** {@code GET /api/me/points}: the balance. */
	public Mono<ApiReply> points(String bearer) {
		return send(Endpoint.POINTS, bearer, null, null);
	}

	/** {@code POST /api/me/points/charges}; {@code Idempotency-Key} sent when not null. */
	public Mono<ApiReply> charge(String bearer, String idempotencyKey, long amount) {
		return send(Endpoint.CHARGE, bearer, h -> {
			if (idempotencyKey != null) {
				h.set("Idempotency-Key", idempotencyKey);
			}
		}, Map.of("amount", amount));
	}

	/** {@code GET /api/me/points/ledger?limit=} (null: the service's default). */
	public Mono<ApiReply> ledger(String bearer, Integer limit) {
		MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
		if (limit != null) {
			query.add("limit", String.valueOf(limit));
		}
		return exchange(Endpoint.LEDGER, bearer, query, null, null);
	}

	// waiting list

	/** {@code GET /api/schedules/{scheduleId}/waiting-list}: the caller's place. */
	public Mono<ApiReply> waitingListPlace(String bearer, long scheduleId) {
		return send(Endpoint.WAITING_LIST_PLACE, bearer, null, null, scheduleId);
	}

	/** {@code POST /api/schedules/{scheduleId}/waiting-list} for {@code seats} seats. */
	public Mono<ApiReply> joinWaitingList(String bearer, long scheduleId, int seats) {
		return joinWaitingList(bearer, scheduleId, Map.of("seats", seats));
	}

	/** {@code POST /api/schedules/{scheduleId}/waiting-list} with a body of the caller's ({@code seats}, or {@code inventoryId} and {@code quantity}). */
	public Mono<ApiReply> joinWaitingList(String bearer, long scheduleId, Object body) {
		return send(Endpoint.WAITING_LIST_JOIN, bearer, null, body, scheduleId);
	}

	/** {@code DELETE /api/schedules/{scheduleId}/waiting-list}. */
	public Mono<ApiReply> leaveWaitingList(String bearer, long scheduleId) {
		return send(Endpoint.WAITING_LIST_LEAVE, bearer, null, null, scheduleId);
	}

	/** {@code GET /api/schedules/{scheduleId}/waiting-list/stream}. */
	public Flux<ServerSentEvent<Map<String, Object>>> waitingListEvents(String bearer, long scheduleId) {
		return events(Endpoint.WAITING_LIST_STREAM, bearer, null, OBJECT_EVENTS, scheduleId);
	}

	// the two ways a request goes out

	/**
	 * Any request of {@code endpoint}: the bearer (if not null), further {@code headers} (may
	 * be null), a JSON {@code body} (null: none; a string is sent as it is), the path's
	 * variables in order.
	 */
	public Mono<ApiReply> send(Endpoint endpoint, String bearer, Consumer<HttpHeaders> headers, Object body,
			Object... pathVariables) {
		return exchange(endpoint, bearer, null, headers, body, pathVariables);
	}

	private Mono<ApiReply> exchange(Endpoint endpoint, String bearer, MultiValueMap<String, String> query,
			Consumer<HttpHeaders> headers, Object body, Object... pathVariables) {
		WebClient.RequestBodySpec spec = this.web.method(endpoint.method())
			.uri(uri -> {
				uri.path(endpoint.path());
				if (query != null) {
					uri.queryParams(query);
				}
				return uri.build(pathVariables);
			})
			.attribute(ENDPOINT_ATTRIBUTE, endpoint)
			.headers(h -> {
				if (bearer != null) {
					h.setBearerAuth(bearer);
				}
				if (headers != null) {
					headers.accept(h);
				}
			});
		WebClient.RequestHeadersSpec<?> request = body == null ? spec
				: spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
		return request.exchangeToMono(response -> response.bodyToMono(String.class)
			.defaultIfEmpty("")
			.map(text -> new ApiReply(response.statusCode().value(), response.headers().asHttpHeaders(), text)));
	}

	/**
	 * The event stream of {@code endpoint} ({@code Accept: text/event-stream}), each event's
	 * data decoded as {@code type}; fails on a status other than 2xx.
	 */
	public <T> Flux<ServerSentEvent<T>> events(Endpoint endpoint, String bearer, Consumer<HttpHeaders> headers,
			ParameterizedTypeReference<ServerSentEvent<T>> type, Object... pathVariables) {
		return this.web.method(endpoint.method())
			.uri(endpoint.path(), pathVariables)
			.attribute(ENDPOINT_ATTRIBUTE, endpoint)
			.headers(h -> {
				if (bearer != null) {
					h.setBearerAuth(bearer);
				}
				if (headers != null) {
					headers.accept(h);
				}
			})
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(type);
	}

	/** A section of a new schedule: rows × seatsPerRow seats at {@code price}. */
	public record Section(String name, int rows, int seatsPerRow, long price) {

		Map<String, Object> json() {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("name", this.name);
			json.put("rows", this.rows);
			json.put("seatsPerRow", this.seatsPerRow);
			json.put("price", this.price);
			return json;
		}

	}

}
