package dev.stagedoor.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.StagedoorApplication;
import dev.stagedoor.TestInfrastructure;
import dev.stagedoor.TestTokens;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fair-play defences over HTTP on two service instances sharing one Redis (and the run's
 * PostgreSQL and Kafka), started here with tight limits: instance A trusts 127.0.0.1 as a
 * proxy, so tests choose a client address with {@code X-Forwarded-For}; instance B trusts no
 * one. Requests alternate between the instances wherever a count is checked, so every count
 * is of buckets both share. Limits: queue 20 per user (2/s), seats 10 per address (1 per
 * 100 s), holds 6 per user and charges 5 per user (1 per 100 s: none comes back during a test),
 * 10 new users per address and room per minute, 3 lapses per schedule and 30 min.
 */
class FairPlayIntegrationTests {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static ConfigurableApplicationContext a;

	static ConfigurableApplicationContext b;

	static int portA;

	static int portB;

	static WebClient client = WebClient.builder()
		.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
		.build();

	@BeforeAll
	static void startTwoInstances() {
		CompletableFuture<ConfigurableApplicationContext> first = CompletableFuture
			.supplyAsync(() -> start("--stagedoor.web.trusted-proxies=127.0.0.1,::1"));
		CompletableFuture<ConfigurableApplicationContext> second = CompletableFuture.supplyAsync(() -> start());
		a = first.join();
		b = second.join();
		portA = port(a);
		portB = port(b);
	}

	@AfterAll
	static void stop() {
		if (a != null) {
			a.close();
		}
		if (b != null) {
			b.close();
		}
	}

	static ConfigurableApplicationContext start(String... extra) {
		SpringApplication app = new SpringApplication(StagedoorApplication.class);
		app.addInitializers(new TestInfrastructure.Initializer());
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--stagedoor.queue.admission-interval=1h", "--stagedoor.queue.admission-burst=1s",
				"--stagedoor.queue.early-poll-fraction=0", "--stagedoor.hold.max-seats-per-user=10",
				"--stagedoor.rate-limit.queue.per-user.capacity=20", "--stagedoor.rate-limit.queue.per-user.refill-per-second=2",
				"--stagedoor.rate-limit.queue.per-address.capacity=0",
				"--stagedoor.rate-limit.seats.per-address.capacity=10",
				"--stagedoor.rate-limit.seats.per-address.refill-per-second=0.01",
				"--stagedoor.rate-limit.holds.per-user.capacity=6", "--stagedoor.rate-limit.holds.per-user.refill-per-second=0.01",
				"--stagedoor.rate-limit.holds.per-address.capacity=0",
				"--stagedoor.rate-limit.payments.per-address.capacity=0",
				"--stagedoor.rate-limit.charges.per-user.capacity=5",
				"--stagedoor.rate-limit.charges.per-user.refill-per-second=0.01",
				"--stagedoor.rate-limit.charges.per-address.capacity=0",
				"--stagedoor.queue.max-entries-per-address-per-minute=10", "--stagedoor.hold.max-lapsed-per-schedule=3",
				"--stagedoor.hold.lapse-window=30m"));
		args.addAll(List.of(extra));
		return app.run(args.toArray(String[]::new));
	}

	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** One answer: status, the headers the defences set, and the body (a map, or the list under "items"). */
	record Answer(int status, HttpHeaders headers, Map<String, Object> body) {

		String code() {
			return (String) this.body.get("code");
		}

		long retryAfter() {
			return Long.parseLong(this.headers.getFirst(HttpHeaders.RETRY_AFTER));
		}

	}

	static Mono<Answer> call(int port, HttpMethod method, String path, String user, String forwardedFor,
			Map<String, String> extraHeaders, Object body) {
		String bearer = user.equals("admin") ? TestTokens.admin("admin") : TestTokens.user(user);
		WebClient.RequestBodySpec request = client.method(method).uri("http://localhost:" + port + path).headers(h -> {
			h.setBearerAuth(bearer);
			if (forwardedFor != null) {
				h.set("X-Forwarded-For", forwardedFor);
			}
			extraHeaders.forEach(h::set);
		});
		WebClient.RequestHeadersSpec<?> ready = body == null ? request
				: request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
		return ready.exchangeToMono(FairPlayIntegrationTests::answer);
	}

	static Mono<Answer> get(int port, String path, String user) {
		return call(port, HttpMethod.GET, path, user, null, Map.of(), null);
	}

	@SuppressWarnings("unchecked")
	static Mono<Answer> answer(ClientResponse response) {
		return response.bodyToMono(String.class)
			.map(text -> text.startsWith("{") ? (Map<String, Object>) JSON.readValue(text, Map.class)
					: text.startsWith("[") ? Map.<String, Object>of("items", JSON.readValue(text, List.class))
							: Map.<String, Object>of())
			.defaultIfEmpty(Map.of())
			.map(body -> new Answer(response.statusCode().value(), response.headers().asHttpHeaders(), body));
	}

	/** Seat id → status, read through A from an address of its own (the per-address seat-map budget is small). */
	static Map<Long, String> seatMap(long schedule, String address) {
		Answer map = call(portA, HttpMethod.GET, "/api/schedules/" + schedule + "/seats", "checker-" + address, address,
				Map.of(), null)
			.block();
		assertThat(map.status()).isEqualTo(200);
		return ((List<?>) map.body().get("items")).stream()
			.map(seat -> (Map<?, ?>) seat)
			.collect(Collectors.toMap(seat -> ((Number) seat.get("id")).longValue(), seat -> (String) seat.get("status")));
	}

	/** The waiting fans of a room, from the admin API (not limited). */
	static long waiting(long concert) {
		return ((Number) get(portB, "/api/admin/concerts/" + concert + "/queue", "admin").block().body().get("waiting"))
			.longValue();
	}

	/** Instance A or B by turn. */
	static int either(int i) {
		return i % 2 == 0 ? portA : portB;
	}

	static Map<Integer, Long> statuses(List<Answer> answers) {
		return answers.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting()));
	}

	static double refusals(String endpoint, String reason) {
		return count(a, endpoint, reason) + count(b, endpoint, reason);
	}

	private static double count(ConfigurableApplicationContext context, String endpoint, String reason) {
		return context.getBean(MeterRegistry.class)
			.get("stagedoor.refusals")
			.tag("class", endpoint)
			.tag("reason", reason)
			.counter()
			.count();
	}

	static WaitingRoom room() {
		return a.getBean(WaitingRoom.class);
	}

	@Test
	void twoHundredQueuePollsInOneSecondAreLimitedAfterTheBudgetAndAnswerAgainAfterRetryAfter() {
		Drop drop = Drops.create(portA, "Polling", 1, 2);
		String path = "/api/concerts/" + drop.concertId() + "/queue";
		assertThat(call(portA, HttpMethod.POST, path, "eager", null, Map.of(), null).block().status()).isEqualTo(201);
		double before = refusals("queue", "user-rate");

		long started = System.nanoTime();
		List<Answer> polls = Flux.interval(Duration.ofMillis(5))
			.take(200)
			.flatMap(i -> call(either(i.intValue()), HttpMethod.GET, path, "eager", null, Map.of(), null), 200)
			.collectList()
			.block();
		double seconds = (System.nanoTime() - started) / 1e9;
		Map<Integer, Long> byStatus = statuses(polls);
		assertThat(byStatus.keySet()).containsOnly(200, 429);
		// the entry took its token from the room's entry bucket: the 20 of the polls' bucket, plus
		// what 2/s refills while the polls run (about 1 s, longer on a loaded machine)
		assertThat(byStatus.get(200)).isBetween(20L, 20L + (long) Math.ceil(2 * seconds) + 1);
		List<Answer> refused = polls.stream().filter(p -> p.status() == 429).toList();
		assertThat(refused).allSatisfy(p -> {
			assertThat(p.code()).isEqualTo("rate-limited");
			assertThat(p.retryAfter()).isEqualTo(1);
			assertThat(p.body()).containsEntry("policy", "queue-user").containsEntry("retryAfterSeconds", 1);
			assertThat(p.headers().getFirst("RateLimit-Policy")).isEqualTo("\"queue-user\";q=20;w=10");
			assertThat(p.headers().getFirst("RateLimit")).startsWith("\"queue-user\";r=0;t=");
		});
		assertThat(polls).filteredOn(p -> p.status() == 200)
			.allSatisfy(p -> assertThat(p.headers().getFirst("RateLimit")).matches("\"queue-user\";r=\\d+;t=\\d+"));
		assertThat(refusals("queue", "user-rate") - before).isEqualTo(refused.size());

		// another fan polls as usual meanwhile
		assertThat(call(portB, HttpMethod.POST, path, "calm", null, Map.of(), null).block().status()).isEqualTo(201);
		assertThat(Flux.range(0, 5).concatMap(i -> call(either(i), HttpMethod.GET, path, "calm", null, Map.of(), null))
			.map(Answer::status)
			.collectList()
			.block()).containsOnly(200);

		// after waiting what Retry-After said, normal answers again
		long wait = refused.get(refused.size() - 1).retryAfter();
		Mono.delay(Duration.ofSeconds(wait)).block();
		Answer again = call(portB, HttpMethod.GET, path, "eager", null, Map.of(), null).block();
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.body()).containsEntry("status", "WAITING");
	}

	@Test
	void chargesBeyondTheBudgetOnTwoInstancesAreRefusedAndCreditNothing() {
		double before = refusals("charges", "user-rate");
		List<Answer> charges = Flux.range(0, 30)
			.flatMap(i -> call(either(i), HttpMethod.POST, "/api/me/points/charges", "charger", null,
					Map.of("Idempotency-Key", UUID.randomUUID().toString()), Map.of("amount", 10)), 30)
			.collectList()
			.block();
		assertThat(statuses(charges)).containsOnly(Map.entry(201, 5L), Map.entry(429, 25L));
		assertThat(charges).filteredOn(c -> c.status() == 429).allSatisfy(c -> {
			assertThat(c.code()).isEqualTo("rate-limited");
			assertThat(c.retryAfter()).isBetween(1L, 100L);
		});
		Answer balance = call(portB, HttpMethod.GET, "/api/me/points", "charger", null, Map.of(), null).block();
		assertThat(balance.body()).containsEntry("balance", 50);
		Answer ledger = call(portA, HttpMethod.GET, "/api/me/points/ledger", "charger", null, Map.of(), null).block();
		assertThat(ledger.status()).isEqualTo(200);
		assertThat(refusals("charges", "user-rate") - before).isEqualTo(25);
	}

	@Test
	void rateLimitedHoldsAndQueueEntriesChangeNothing() {
		Drop drop = Drops.create(portA, "Hold burst", 2, 10);
		String token = Admissions.admit(room(), drop.concertId(), "burster");
		List<Long> seats = drop.seatIds().subList(0, 12);
		List<Answer> holds = Flux.range(0, 12)
			.flatMap(i -> call(either(i), HttpMethod.POST, "/api/schedules/" + drop.scheduleId() + "/reservations",
					"burster", null, Map.of("Queue-Token", token), Map.of("seatIds", List.of(seats.get(i)))), 12)
			.collectList()
			.block();
		assertThat(statuses(holds)).containsOnly(Map.entry(201, 6L), Map.entry(429, 6L));
		List<Long> heldSeats = holds.stream()
			.filter(h -> h.status() == 201)
			.flatMap(h -> ((List<?>) h.body().get("seatIds")).stream())
			.map(seat -> ((Number) seat).longValue())
			.toList();
		assertThat(heldSeats).hasSize(6);
		// the seat map is a snapshot at most 250 ms old
		AtomicInteger reads = new AtomicInteger(100);
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			Map<Long, String> map = seatMap(drop.scheduleId(), "192.0.2." + reads.incrementAndGet());
			assertThat(seats).allSatisfy(seat -> assertThat(map.get(seat)).as("seat %d", seat)
				.isEqualTo(heldSeats.contains(seat) ? "HELD" : "AVAILABLE"));
		});

		// entries beyond the fan's entry bucket of a room are refused over both instances and
		// change nothing: one place, at the same position (that a refused first entry takes no
		// place is shown against Redis in EntryCapScriptTests)
		long concert = Concerts.create(portA, "Entry burst");
		String path = "/api/concerts/" + concert + "/queue";
		Answer first = call(portA, HttpMethod.POST, path, "ahead", null, Map.of(), null).block();
		assertThat(first.status()).isEqualTo(201);
		Answer entered = call(portB, HttpMethod.POST, path, "drained", null, Map.of(), null).block();
		assertThat(entered.status()).isEqualTo(201);
		assertThat(entered.headers().getFirst("RateLimit-Policy")).isEqualTo("\"queue-user\";q=20;w=10");
		assertThat(entered.headers().getFirst("RateLimit")).matches("\"queue-user\";r=19;t=\\d+");
		List<Answer> again = Flux.range(0, 40)
			.flatMap(i -> call(either(i), HttpMethod.POST, path, "drained", null, Map.of(), null), 40)
			.collectList()
			.block();
		assertThat(statuses(again).keySet()).containsOnly(200, 429);
		assertThat(again).filteredOn(e -> e.status() == 429).isNotEmpty().allSatisfy(e -> {
			assertThat(e.code()).isEqualTo("rate-limited");
			assertThat(e.body()).containsEntry("policy", "queue-user");
			assertThat(e.retryAfter()).isEqualTo(1);
			assertThat(e.headers().getFirst("RateLimit")).startsWith("\"queue-user\";r=0;t=");
		});
		assertThat(again).filteredOn(e -> e.status() == 200)
			.allSatisfy(e -> assertThat(e.body()).containsEntry("status", "WAITING").containsEntry("position", 2));
		assertThat(waiting(concert)).isEqualTo(2);
	}

	@Test
	void fiftyAccountsFromOneAddressEnterUpToTheCapAndXForwardedForCountsOnlyFromATrustedProxy() {
		Drop drop = Drops.create(portA, "Fleet", 1, 2);
		String path = "/api/concerts/" + drop.concertId() + "/queue";
		double before = refusals("queue", "address-entries");
		// through A, which trusts 127.0.0.1: the header names the client
		List<Answer> fleet = Flux.range(0, 50)
			.flatMap(i -> call(portA, HttpMethod.POST, path, "fleet-" + i, "203.0.113.7", Map.of(), null), 50)
			.collectList()
			.block();
		assertThat(statuses(fleet)).containsOnly(Map.entry(201, 10L), Map.entry(429, 40L));
		assertThat(fleet).filteredOn(e -> e.status() == 429).allSatisfy(e -> {
			assertThat(e.code()).isEqualTo("rate-limited");
			assertThat(e.body()).containsEntry("policy", "queue-entries-per-address");
			assertThat(e.retryAfter()).isBetween(50L, 60L);
		});
		assertThat(waiting(drop.concertId())).isEqualTo(10);
		assertThat(Flux.range(0, 5)
			.flatMap(i -> call(portA, HttpMethod.POST, path, "neighbour-" + i, "203.0.113.8", Map.of(), null))
			.map(Answer::status)
			.collectList()
			.block()).containsOnly(201).hasSize(5);

		// through B, which trusts no proxy: the header is ignored, 127.0.0.1 is the client
		List<Answer> spoofed = Flux.range(0, 20)
			.flatMap(i -> call(portB, HttpMethod.POST, path, "spoof-" + i, "198.51.100." + i, Map.of(), null), 20)
			.collectList()
			.block();
		assertThat(statuses(spoofed)).containsOnly(Map.entry(201, 10L), Map.entry(429, 10L));
		assertThat(waiting(drop.concertId())).isEqualTo(25);
		assertThat(refusals("queue", "address-entries") - before).isEqualTo(50);

		// the per-address token bucket of seat maps: 10 reads from one address, whoever reads
		List<Answer> maps = Flux.range(0, 15)
			.flatMap(i -> call(portA, HttpMethod.GET, "/api/schedules/" + drop.scheduleId() + "/seats", "reader-" + i,
					"192.0.2.77", Map.of(), null), 15)
			.collectList()
			.block();
		assertThat(statuses(maps)).containsOnly(Map.entry(200, 10L), Map.entry(429, 5L));
		assertThat(maps).filteredOn(m -> m.status() == 429)
			.allSatisfy(m -> assertThat(m.body()).containsEntry("policy", "seats-address"));
		assertThat(maps).allSatisfy(m -> assertThat(m.headers().getFirst("RateLimit-Policy"))
			.isEqualTo("\"seats-user\";q=30;w=15, \"seats-address\";q=10;w=1000"));
	}

	@Test
	void holdReleaseThreeTimesThenTheFourthHoldCoolsDownButPayingIsNeverCounted() {
		Drop drop = Drops.create(portA, "Spinning", 2, 10);
		Map<String, String> tokens = Admissions.admit(room(), drop.concertId(), List.of("spinner", "payer"));
		String holds = "/api/schedules/" + drop.scheduleId() + "/reservations";
		double before = refusals("holds", "hold-cooldown");
		for (int round = 0; round < 3; round++) {
			Answer held = call(either(round), HttpMethod.POST, holds, "spinner", null,
					Map.of("Queue-Token", tokens.get("spinner")), Map.of("seatIds", List.of(drop.seatIds().get(0)))).block();
			assertThat(held.status()).isEqualTo(201);
			Answer released = call(either(round + 1), HttpMethod.POST,
					"/api/reservations/" + held.body().get("id") + "/cancellation", "spinner", null, Map.of(), null)
				.block();
			assertThat(released.body()).containsEntry("state", "CANCELLED");
		}
		Answer fourth = call(portB, HttpMethod.POST, holds, "spinner", null, Map.of("Queue-Token", tokens.get("spinner")),
				Map.of("seatIds", List.of(drop.seatIds().get(0)))).block();
		assertThat(fourth.status()).isEqualTo(429);
		assertThat(fourth.code()).isEqualTo("hold-cooldown");
		assertThat(fourth.retryAfter()).isBetween(1_700L, 1_800L);
		assertThat(fourth.body()).containsEntry("lapsed", 3).containsEntry("retryAfterSeconds", (int) fourth.retryAfter());
		AtomicInteger reads = new AtomicInteger(150);
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(seatMap(drop.scheduleId(), "192.0.2." + reads.incrementAndGet())
				.get(drop.seatIds().get(0))).isEqualTo("AVAILABLE"));
		assertThat(refusals("holds", "hold-cooldown") - before).isEqualTo(1);

		// a fan who pays: three bought, two released, and the next hold is still fine
		assertThat(call(portA, HttpMethod.POST, "/api/me/points/charges", "payer", null,
				Map.of("Idempotency-Key", "payer-1"), Map.of("amount", 1_000)).block().status()).isEqualTo(201);
		for (int round = 0; round < 5; round++) {
			Answer held = call(either(round), HttpMethod.POST, holds, "payer", null,
					Map.of("Queue-Token", tokens.get("payer")), Map.of("seatIds", List.of(drop.seatIds().get(1 + round))))
				.block();
			assertThat(held.status()).isEqualTo(201);
			String then = round < 3 ? "/payment" : "/cancellation";
			Answer done = call(either(round + 1), HttpMethod.POST, "/api/reservations/" + held.body().get("id") + then,
					"payer", null, Map.of(), null).block();
			assertThat(done.body()).containsEntry("state", round < 3 ? "CONFIRMED" : "CANCELLED");
		}
		assertThat(call(portB, HttpMethod.POST, holds, "payer", null, Map.of("Queue-Token", tokens.get("payer")),
				Map.of("seatIds", List.of(drop.seatIds().get(9)))).block().status()).isEqualTo(201);
	}

	@Test
	void theTokenOfAnEarlierAdmissionNoLongerHolds() {
		Drop drop = Drops.create(portA, "Readmission", 1, 4);
		String first = Admissions.admit(room(), drop.concertId(), "returner");
		assertThat(call(portA, HttpMethod.DELETE, "/api/concerts/" + drop.concertId() + "/queue", "returner", null,
				Map.of(), null).block().status()).isEqualTo(204);
		Mono.delay(Duration.ofMillis(5)).block();
		String second = Admissions.admit(room(), drop.concertId(), "returner");
		assertThat(second).isNotEqualTo(first);
		String holds = "/api/schedules/" + drop.scheduleId() + "/reservations";
		Answer old = call(portB, HttpMethod.POST, holds, "returner", null, Map.of("Queue-Token", first),
				Map.of("seatIds", List.of(drop.seatIds().get(0)))).block();
		assertThat(old.status()).isEqualTo(403);
		assertThat(old.code()).isEqualTo("not-admitted");
		assertThat((String) old.body().get("detail")).contains("earlier admission");
		assertThat(call(portA, HttpMethod.POST, holds, "returner", null, Map.of("Queue-Token", second),
				Map.of("seatIds", List.of(drop.seatIds().get(0)))).block().status()).isEqualTo(201);
	}

}
