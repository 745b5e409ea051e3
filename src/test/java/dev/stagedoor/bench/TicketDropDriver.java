package dev.stagedoor.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.util.retry.Retry;

import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;

/**
 * The ticket-drop scenario as the k6 script runs it, from Java: fans arrive at a fixed rate
 * (open model), enter the waiting room, poll until admitted (each poll after the
 * pollAfterSeconds of the answer before), charge points once admitted, read the seat map, hold 1–2 AVAILABLE seats (other seats on a
 * 409), pay, cancel some purchases, and leave the room. Once a fan finds no AVAILABLE seat
 * the drop counts as sold out and fans still waiting give up, as a frontend would tell them.
 * With an inventory, a share of the fans ({@code unitShare}) also puts 1–2 of its units in
 * the same hold; their holds are recorded as {@code hold-units}, apart from seat-only ones,
 * and once the units are gone (409 {@code inventory-unavailable}) such a fan holds seats only.
 * Every request goes through {@link StagedoorClient}; the driver times each one (from
 * subscription to the whole answer read, before its body is decoded) into its
 * {@link Recorder} under the operation's name.
 */
final class TicketDropDriver {

	/** A fan that takes longer than this counts as an error (and stops). */
	private static final Duration FAN_TIMEOUT = Duration.ofMinutes(3);

	/** A request unanswered for this long counts as an error. */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	private final StagedoorClient client;

	/**
	 * The connections of admitted fans' requests (points, seat map, hold, payment,
	 * cancellation, leaving): a pool of their own, as each fan's browser has its own
	 * connections. Sharing the crowd's pool (as the driver did before 2026-12-03,
	 * {@code -Dstagedoor.bench.admitted-connections=0}) makes an admitted fan's hold wait in
	 * the load generator behind thousands of strangers' queue polls for a free connection,
	 * a wait no real fan has and that the service never sees.
	 */
	private final StagedoorClient shopClient;

	/** Connections of the crowd's pool (entering and polling the waiting room). */
	static final int CROWD_CONNECTIONS = 1024;

	/** Connections of the admitted fans' pool; 0 shares the crowd's pool. */
	static final int ADMITTED_CONNECTIONS = Integer.getInteger("stagedoor.bench.admitted-connections", 1024);

	/**
	 * Event-loop threads of the admitted fans' connections; 0 shares the crowd's (Reactor
	 * Netty's global loops, as before 2026-12-04). On a loop of its own, an admitted fan's
	 * answer is read as it arrives, not after the answers of thousands of strangers' polls
	 * that reached the same loop first, a wait no fan with a device of their own has.
	 */
	static final int ADMITTED_LOOPS = Integer.getInteger("stagedoor.bench.admitted-loops", 2);

	private final Recorder recorder;

	private final long concertId;

	private final long scheduleId;

	private final double cancelShare;

	/** The schedule's quantity inventory, or 0 when the drop sells seats only. */
	private final long inventoryId;

	private final double unitShare;

	private final AtomicBoolean soldOut = new AtomicBoolean();

	private final AtomicLong soldOutAtNanos = new AtomicLong();

	final Set<String> reservations = ConcurrentHashMap.newKeySet();

	final AtomicInteger confirmed = new AtomicInteger();

	final AtomicInteger cancelled = new AtomicInteger();

	final AtomicInteger errors = new AtomicInteger();

	final AtomicInteger finished = new AtomicInteger();

	/** Holds won with units in them, purchases with units, and the units those purchases paid for. */
	final AtomicInteger holdsWithUnits = new AtomicInteger();

	final AtomicInteger purchasesWithUnits = new AtomicInteger();

	final AtomicInteger unitsBought = new AtomicInteger();

	/**
	 * Whether fans ask again, as a resilient frontend would, when a request meets a fault: a
	 * 503 or 429 (after its {@code Retry-After}), a connection that failed or
	 * went unanswered, a payment still in progress. Off for the drop benchmark (its report
	 * counts those replies as they are); on for the chaos drop, where instances and Redis
	 * masters die under the fans. Holds are never asked again (a hold whose answer was lost
	 * may have been made: the fan picks seats again instead, and the lost one expires).
	 */
	private volatile boolean retryFaults;

	/** Fans who found their place gone and entered again (only when retrying faults). */
	final AtomicInteger reentered = new AtomicInteger();

	/** Requests asked again after a fault (see {@link #retryFaults()}), by operation. */
	final Map<String, AtomicInteger> retried = new ConcurrentHashMap<>();

	/** Requests under way, by operation (logged while the drop runs, to see where fans are). */
	final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	TicketDropDriver(int port, Recorder recorder, long concertId, long scheduleId, double cancelShare) {
		this(port, recorder, concertId, scheduleId, cancelShare, 0, 0);
	}

	TicketDropDriver(int port, Recorder recorder, long concertId, long scheduleId, double cancelShare, long inventoryId,
			double unitShare) {
		this.client = StagedoorClient.on(port, pool("drop-driver", CROWD_CONNECTIONS));
		this.shopClient = ADMITTED_CONNECTIONS == 0 ? this.client
				: ADMITTED_LOOPS == 0 ? StagedoorClient.on(port, pool("drop-driver-admitted", ADMITTED_CONNECTIONS))
						: StagedoorClient.on(port, pool("drop-driver-admitted", ADMITTED_CONNECTIONS),
								LoopResources.create("drop-admitted", ADMITTED_LOOPS, true));
		this.recorder = recorder;
		this.concertId = concertId;
		this.scheduleId = scheduleId;
		this.cancelShare = cancelShare;
		this.inventoryId = inventoryId;
		this.unitShare = unitShare;
	}

	private static ConnectionProvider pool(String name, int connections) {
		return ConnectionProvider.builder(name)
			.maxConnections(connections)
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(Duration.ofMinutes(2))
			// a proxy in front (HAProxy's http-keep-alive timeout is 10 s in bench/cluster)
			// closes idle connections: a fan reusing one just as it closes gets no answer
			// (seen in the first chaos drop), so the driver lets them go sooner itself
			.maxIdleTime(Duration.ofSeconds(8))
			.build();
	}

	/** Runs {@code fans} fans arriving at {@code perSecond}; completes when every fan is done. */
	Mono<Void> run(int fans, int perSecond, String run) {
		Duration gap = Duration.ofNanos(1_000_000_000L / perSecond);
		if (fans == 0) {
			return Mono.empty();
		}
		Sinks.Empty<Void> allDone = Sinks.empty();
		Disposable.Composite running = Disposables.composite();
		return Flux.interval(gap)
			.onBackpressureBuffer()
			.take(fans)
			// each fan is its own subscription: a flatMap over 20,000 inner fans rescans all of
			// them on every completion, which cost the driver a noticeable share of the CPU
			.doOnNext(i -> running.add(fan(run + "-" + i).timeout(FAN_TIMEOUT).onErrorResume(ex -> {
				this.errors.incrementAndGet();
				return Mono.empty();
			}).doFinally(signal -> {
				if (this.finished.incrementAndGet() == fans) {
					allDone.tryEmitEmpty();
				}
			}).subscribe()))
			.then(allDone.asMono())
			// a run given up (timeout, cancel) stops its fans too
			.doFinally(signal -> running.dispose());
	}

	/** Fans ask again after faults from now on (see {@link #retryFaults}). */
	TicketDropDriver retryFaults() {
		this.retryFaults = true;
		return this;
	}

	Double soldOutSeconds() {
		long at = this.soldOutAtNanos.get();
		return at == 0 ? null : Recorder.round((at - this.recorder.startNanos()) / 1e9);
	}

	private Mono<Void> fan(String user) {
		String bearer = TestTokens.user(user);
		return call("queue-enter", () -> this.client.enterQueue(bearer, this.concertId))
			.flatMap(view -> admitted(bearer, view))
			.flatMap(token -> call("charge", () -> this.shopClient.charge(bearer, UUID.randomUUID().toString(), 1000))
				.then(shop(user, bearer, token, unitsWanted(), 0))
				.then(call("queue-leave", () -> this.shopClient.leaveQueue(bearer, this.concertId)))
				.then());
	}

	/**
	 * Polls the waiting room until admitted; empty once sold out. A loop by resubscription
	 * (not a flatMap into itself, which would keep every earlier poll's request alive until
	 * the fan is admitted: with 20,000 fans that was gigabytes of heap and seconds of GC).
	 */
	private Mono<String> admitted(String bearer, ApiReply first) {
		AtomicReference<ApiReply> latest = new AtomicReference<>(first);
		return Mono.defer(() -> {
			ApiReply view = latest.get();
			if ("ADMITTED".equals(view.body().get("status"))) {
				return Mono.just(Optional.of((String) view.body().get("token")));
			}
			if (!this.soldOut.get() && isShed(view)) {
				// 503 overloaded: nothing changed; wait as told and enter again (entering is
				// idempotent, so a fan shed while polling gets its place back, one shed while
				// entering gets a place)
				return Mono.delay(shedRetry())
					.then(call("queue-enter", () -> this.client.enterQueue(bearer, this.concertId)))
					.doOnNext(latest::set)
					.then(Mono.<Optional<String>>empty());
			}
			if (!this.soldOut.get() && this.retryFaults && view.status() == 404
					&& "not-in-queue".equals(view.body().get("code"))) {
				// the place is gone (a Redis failover lost it, or the fan was idle too long):
				// enter again, at the back, as a frontend told so would
				this.reentered.incrementAndGet();
				return call("queue-enter", () -> this.client.enterQueue(bearer, this.concertId))
					.doOnNext(latest::set)
					.then(Mono.<Optional<String>>empty());
			}
			if (this.soldOut.get() || view.status() >= 400) {
				return call("queue-leave", () -> this.client.leaveQueue(bearer, this.concertId))
					.thenReturn(Optional.<String>empty());
			}
			return Mono.delay(pollAfter(view))
				.then(call("queue-poll", () -> this.client.queueStatus(bearer, this.concertId)))
				.doOnNext(latest::set)
				.then(Mono.<Optional<String>>empty());
		}).repeatWhenEmpty(Integer.MAX_VALUE, repeats -> repeats).flatMap(Mono::justOrEmpty);
	}

	/** A waiting-room call the service's concurrency limiter shed (503 {@code overloaded}). */
	static boolean isShed(ApiReply view) {
		return view.status() == 503 && "overloaded".equals(view.body().get("code"));
	}

	/**
	 * The waiting-room lane's {@code Retry-After} at its default (5 s: a fixed wait, not each
	 * reply's header, so runs stay comparable with earlier ones), plus up to 20 % so shed fans
	 * do not all come back at once.
	 */
	static Duration shedRetry() {
		return plusUpToAFifth(5_000);
	}

	/** How many units this fan puts in its hold: 1–2 for {@code unitShare} of the fans, else none. */
	private int unitsWanted() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return this.inventoryId != 0 && random.nextDouble() < this.unitShare ? 1 + random.nextInt(2) : 0;
	}

	/**
	 * As long as the service told ({@code pollAfterSeconds}), plus up to 20 % so fans told
	 * together spread out; never less, so each poll gets a fresh answer and the room stays
	 * within its poll budget.
	 */
	static Duration pollAfter(ApiReply view) {
		Number told = (Number) view.body().get("pollAfterSeconds");
		long millis = Math.max(1, told == null ? 1 : told.longValue()) * 1_000;
		return plusUpToAFifth(millis);
	}

	/** {@code millis} plus up to a fifth more, so clients told the same wait do not all come back at once. */
	static Duration plusUpToAFifth(long millis) {
		return Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(millis / 5 + 1));
	}

	private Mono<Void> shop(String user, String bearer, String queueToken, int units, int attempt) {
		if (this.soldOut.get() || attempt >= 3) {
			return Mono.empty();
		}
		return call("seat-map", () -> this.shopClient.seats(bearer, this.scheduleId, "AVAILABLE", null, queueToken))
			.flatMap(map -> {
				if (map.status() != 200) {
					// no seat map (an error the fan did not ask again after): not "sold out";
					// the fan tries again while it has attempts left
					return shop(user, bearer, queueToken, units, attempt + 1);
				}
				List<Long> available = new ArrayList<>();
				for (Map<String, Object> seat : map.objects()) {
					available.add(((Number) seat.get("id")).longValue());
				}
				if (available.isEmpty()) {
					if (this.soldOut.compareAndSet(false, true)) {
						this.soldOutAtNanos.set(System.nanoTime());
					}
					return Mono.<Void>empty();
				}
				int want = Math.min(available.size(), 1 + ThreadLocalRandom.current().nextInt(2));
				List<Long> pick = new ArrayList<>();
				for (int i = 0; i < want; i++) {
					pick.add(available.remove(ThreadLocalRandom.current().nextInt(available.size())));
				}
				return call(units == 0 ? "hold" : "hold-units",
						() -> units == 0 ? this.shopClient.hold(bearer, queueToken, this.scheduleId, pick)
								: this.shopClient.hold(bearer, queueToken, this.scheduleId, pick,
										Map.of(this.inventoryId, units)))
					.flatMap(held -> {
						if (held.status() == 201) {
							if (units > 0) {
								this.holdsWithUnits.incrementAndGet();
							}
							return buy(bearer, (String) held.body().get("id"), units);
						}
						// the units are gone: go on with seats only, as a fan told so would
						boolean unitsGone = held.status() == 409 && "inventory-unavailable".equals(held.body().get("code"));
						return shop(user, bearer, queueToken, unitsGone ? 0 : units, attempt + 1);
					});
			});
	}

	private Mono<Void> buy(String bearer, String reservationId, int units) {
		this.reservations.add(reservationId);
		return call("pay", () -> this.shopClient.pay(bearer, reservationId))
			.flatMap(paid -> {
				if (paid.status() != 200) {
					return Mono.<Void>empty();
				}
				this.confirmed.incrementAndGet();
				if (units > 0) {
					this.purchasesWithUnits.incrementAndGet();
					this.unitsBought.addAndGet(units);
				}
				if (ThreadLocalRandom.current().nextDouble() >= this.cancelShare) {
					return Mono.<Void>empty();
				}
				return call("cancel", () -> this.shopClient.cancel(bearer, reservationId))
					.doOnNext(cancelled -> {
						if (cancelled.status() == 202) {
							this.cancelled.incrementAndGet();
						}
					})
					.then();
			});
	}

	/** Seat id → status, from the seat map (as any fan sees it). */
	Mono<Map<Long, String>> seatStatuses() {
		String bearer = TestTokens.user("bench-auditor");
		return call("seat-map", () -> this.client.seats(bearer, this.scheduleId))
			.map(map -> {
				if (map.status() != 200) {
					throw new IllegalStateException("the seat map answered " + map.status() + ": " + map.raw());
				}
				Map<Long, String> statuses = new java.util.HashMap<>();
				for (Map<String, Object> seat : map.objects()) {
					statuses.put(((Number) seat.get("id")).longValue(), (String) seat.get("status"));
				}
				return statuses;
			});
	}

	/** The inventory's counts as the public list shows them: quantity, available, held, sold. */
	Mono<Map<String, Object>> inventoryCounts() {
		String bearer = TestTokens.user("bench-auditor");
		return call("inventories", () -> this.client.inventories(bearer, this.scheduleId))
			.map(list -> list.list()
				.stream()
				.map(i -> (Map<?, ?>) i)
				.filter(i -> ((Number) i.get("id")).longValue() == this.inventoryId)
				.findFirst()
				.map(i -> {
					Map<String, Object> counts = new java.util.LinkedHashMap<>();
					for (String key : List.of("quantity", "available", "held", "sold")) {
						counts.put(key, ((Number) i.get(key)).intValue());
					}
					return counts;
				})
				.orElseThrow(() -> new IllegalStateException("inventory " + this.inventoryId + " is not listed")));
	}

	/** One GET of the waiting-room status of the bearer's user; emits the HTTP status. */
	Mono<Integer> queueStatus(String bearer) {
		return call("queue-poll", () -> this.client.queueStatus(bearer, this.concertId)).map(ApiReply::status);
	}

	/** One hold request of the bearer's (admitted) user; emits the status. */
	Mono<Integer> hold(String bearer, String queueToken, List<Long> seatIds) {
		return call("hold", () -> this.client.hold(bearer, queueToken, this.scheduleId, seatIds))
			.map(ApiReply::status);
	}

	/**
	 * Sends the request {@code request} makes, as {@code operation}: counted in flight while
	 * under way, its latency and status recorded when the answer is read (status 0 when it
	 * failed or went unanswered for {@link #REQUEST_TIMEOUT}).
	 */
	private Mono<ApiReply> call(String operation, Supplier<Mono<ApiReply>> request) {
		if (!this.retryFaults || operation.startsWith("hold")) {
			return once(operation, request);
		}
		return once(operation, request).map(Optional::of)
			.onErrorResume(ex -> Mono.just(Optional.empty()))
			.flatMap(reply -> {
				if (reply.isPresent() && !isFault(reply.get())) {
					return Mono.just(reply.get());
				}
				return Mono.error(new FaultMet(reply.orElse(null)));
			})
			.retryWhen(Retry.from(signals -> signals.concatMap(signal -> {
				if (signal.totalRetries() >= FAULT_RETRIES) {
					return Mono.error(signal.failure());
				}
				this.retried.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
				return Mono.delay(faultRetry(((FaultMet) signal.failure()).reply));
			})))
			.onErrorResume(FaultMet.class, ex -> ex.reply == null ? Mono.error(ex) : Mono.just(ex.reply));
	}

	/** How often a fan asks again after faults before giving up on that step. */
	private static final int FAULT_RETRIES = 60;

	/** A reply (or none) that a fan retrying faults asks again after. */
	static boolean isFault(ApiReply reply) {
		if (reply.status() == 503 || reply.status() == 429) {
			// unavailable or shed; too many requests (the fan's own retries can use up its
			// per-user bucket): both say when to come back
			return true;
		}
		return reply.status() == 409 && "payment-in-progress".equals(reply.body().get("code"));
	}

	/** The reply's {@code Retry-After} (1 s when none, at most 5 s), plus up to 20 %. */
	static Duration faultRetry(ApiReply reply) {
		long seconds = 1;
		String told = reply == null ? null : reply.header("Retry-After");
		if (told != null && told.matches("\\d+")) {
			seconds = Math.min(5, Math.max(1, Long.parseLong(told)));
		}
		return Duration.ofMillis(seconds * 1_000 + ThreadLocalRandom.current().nextLong(seconds * 200 + 1));
	}

	/** A fault met by a retrying fan: the reply, or null when the request got none. */
	private static final class FaultMet extends RuntimeException {

		private final transient ApiReply reply;

		FaultMet(ApiReply reply) {
			super(reply == null ? "no reply" : "status " + reply.status(), null, false, false);
			this.reply = reply;
		}

	}

	private Mono<ApiReply> once(String operation, Supplier<Mono<ApiReply>> request) {
		AtomicInteger gauge = this.inFlight.computeIfAbsent(operation, k -> new AtomicInteger());
		return Mono.defer(() -> {
			long began = System.nanoTime();
			gauge.incrementAndGet();
			return request.get()
				.doOnNext(reply -> this.recorder.record(operation, began, reply.status()))
				.timeout(REQUEST_TIMEOUT)
				// a request with no answer, or whose connection failed, shows in the report as status 0
				.doOnError(ex -> this.recorder.record(operation, began, 0))
				.doFinally(signal -> gauge.decrementAndGet());
		});
	}

}
