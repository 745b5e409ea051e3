package dev.stagedoor;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.MapPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.Endpoint;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.client.StagedoorClient.Section;

/**
 * {@code ./mvnw spring-boot:test-run}: Stagedoor on the test infrastructure (Testcontainers,
 * or local Redis/PostgreSQL and an in-process Kafka), with a demo concert, a schedule with
 * seats and a standing-floor inventory, a fan with points and ready-made dev tokens printed last in the log. Nothing here is
 * in the production jar.
 */
public class TestStagedoorApplication {

	private static final Logger log = LoggerFactory.getLogger(TestStagedoorApplication.class);

	/** The demo fan and the points credited to it at start-up. */
	static final String DEMO_FAN = "fan-1";

	static final long DEMO_POINTS = 1_000;

	/** The demo schedule's quantity inventory (general admission), sold beside its seats. */
	static final Map<String, Object> DEMO_INVENTORY = Map.of("name", "Standing floor", "quantity", 500, "price", 60,
			"maxPerUser", 4);

	public static void main(String[] args) {
		SpringApplication app = new SpringApplication(StagedoorApplication.class);
		app.addInitializers(new TestInfrastructure.Initializer(),
				// a short start-up warm-up, so the run command exercises it (production default 30 s)
				context -> context.getEnvironment()
					.getPropertySources()
					.addFirst(new MapPropertySource("dev-run", Map.of("stagedoor.warmup.duration", "3s"))));
		// the web client's "sign in as fan N / as admin" (http://localhost:<port>/)
		app.addPrimarySources(List.of(DevSignIn.class));
		app.addListeners((ApplicationListener<ApplicationReadyEvent>) TestStagedoorApplication::seed);
		app.run(args);
	}

	/**
	 * Creates the demo data through the public API, as a frontend team would: a concert (its
	 * waiting room opens with it), one schedule a month ahead with two priced sections and a
	 * standing floor sold by quantity, and points for the demo fan; then, once the instance is
	 * ready, prints how to use them.
	 */
	private static void seed(ApplicationReadyEvent event) {
		int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
		String admin = TestTokens.admin("demo-admin");
		String fan = TestTokens.user(DEMO_FAN);
		StagedoorClient api = StagedoorClient.on(port);
		ApplicationAvailability availability = event.getApplicationContext().getBean(ApplicationAvailability.class);
		Instant startsAt = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
		ok(api.createConcert(admin, "Stagedoor Demo Night", "Main Hall"))
			.flatMap(concert -> ok(api.createSchedule(admin, ((Number) concert.get("id")).longValue(), startsAt.toString(),
					startsAt.minus(1, ChronoUnit.DAYS).toString(),
					List.of(new Section("FLOOR", 10, 20, 120), new Section("BALCONY", 5, 20, 80))))
				.flatMap(schedule -> ok(api.send(Endpoint.INVENTORY_CREATE, admin, null, DEMO_INVENTORY, schedule.get("id")))
					.flatMap(inventory -> ok(api.charge(fan, "demo-seed", DEMO_POINTS))
						.map(charge -> List.<Map<?, ?>>of(concert, schedule, charge, inventory)))))
			// printed once the instance is ready (the start-up warm-up holds readiness back), so a
			// developer who copies a token finds /actuator/health UP and the block printed last
			.flatMap(seeded -> Flux.interval(Duration.ofMillis(100))
				.filter(tick -> availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC)
				.next()
				.thenReturn(seeded))
			.timeout(Duration.ofSeconds(60))
			.subscribe(seeded -> log.info("""

					Stagedoor is running on http://localhost:{} (web client: / for fans, /admin/ for the drop dashboard; sign in as fan N or admin there)
					Demo: concert {} (waiting room open), schedule {} with {} seats and inventory {} ({}: {} units at {} points, up to {} a fan); {} has {} points.
					Dev tokens (HS256, secret "{}", valid 12 h):
					  admin (sub=demo-admin): {}
					  fan   (sub={}):      {}
					Try:  curl -X POST -H "Authorization: Bearer <fan token>" http://localhost:{}/api/concerts/{}/queue
					More fan tokens (new users fan-2..fan-4, valid 6 h):  python3 bench/tokens.py 3 "{}" fan 2
					""", port, seeded.get(0).get("id"), seeded.get(1).get("id"), seeded.get(1).get("seatCount"),
					seeded.get(3).get("id"), seeded.get(3).get("name"), seeded.get(3).get("quantity"),
					seeded.get(3).get("price"), seeded.get(3).get("maxPerUser"), DEMO_FAN, seeded.get(2).get("balance"), TestInfrastructure.AUTH_SECRET, admin, DEMO_FAN, fan, port,
					seeded.get(0).get("id"), TestInfrastructure.AUTH_SECRET),
					ex -> log.error("Could not create the demo data: {}", ex.toString()));
	}

	/** The reply's body when its status is 2xx, else an error showing the reply. */
	private static Mono<Map<String, Object>> ok(Mono<ApiReply> reply) {
		return reply.flatMap(r -> r.status() < 300 ? Mono.just(r.body())
				: Mono.error(new IllegalStateException("the API answered " + r)));
	}

}
