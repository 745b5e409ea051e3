package dev.stagedoor.warmup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import dev.stagedoor.queue.WarmupRoom;
import dev.stagedoor.web.InternalCaller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Makes a new instance fast from its first request: before readiness turns UP (it is held at
 * REFUSING_TRAFFIC until the warm-up ends; nothing blocks), it spends
 * {@code stagedoor.warmup.duration} sending the first seconds of a drop through its own hot
 * paths — fans entering a waiting room and polling it — so the JIT has compiled them when
 * the load balancer sends the first real fan.
 * <p>
 * The requests go through the application's own {@link HttpHandler} (every web filter,
 * Spring Security's authorization, the controllers, the scripts in Redis, the JSON codecs)
 * as the warm-up fans {@code stagedoor-warmup-<n>}, whose authentication (an
 * {@link InternalCaller}, exempt from the fair-play limits) is placed in the request's Reactor
 * context — nothing is signed, no token exists that could be used from outside. A share of requests also goes over the network to the instance's own port with a
 * bearer token whose signature is wrong, which exercises the HTTP codec and the JWT
 * verification (answered 401). The waiting room is a {@link WarmupRoom}: Redis keys only,
 * deleted afterwards; nothing reaches PostgreSQL or Kafka. A failing warm-up is logged and
 * readiness goes UP anyway: it only costs speed.
 */
@Component
class StartupWarmup implements ApplicationRunner, Ordered {

	private static final Logger log = LoggerFactory.getLogger(StartupWarmup.class);

	/** One request in this many also goes over the network (HTTP codec, JWT verification). */
	static final int NETWORK_SHARE = 4;

	private final HttpHandler handler;

	private final WarmupRoom room;

	private final WarmupProperties properties;

	private final ApplicationContext context;

	private volatile boolean warming;

	StartupWarmup(HttpHandler handler, WarmupRoom room, WarmupProperties properties, ApplicationContext context) {
		this.handler = handler;
		this.room = room;
		this.properties = properties;
		this.context = context;
	}

	@Override
	public int getOrder() {
		// after other runners: the warm-up should see the instance as it will serve
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.properties.duration().isZero()) {
			return;
		}
		// nothing blocks: readiness is held back (below) until the warm-up signals its end
		this.warming = true;
		warmUp(this.properties.duration(), this.properties.concurrency())
			.timeout(this.properties.duration().plusSeconds(60))
			.doFinally(signal -> {
				this.warming = false;
				AvailabilityChangeEvent.publish(this.context, ReadinessState.ACCEPTING_TRAFFIC);
			})
			.subscribe(result -> log.info(
					"Warm-up: {} requests in {} ms ({} answered otherwise than expected); readiness turns UP now",
					result.requests(), result.took().toMillis(), result.unexpected()),
					ex -> log.warn("The warm-up failed; the instance starts cold", ex));
	}

	/**
	 * Spring turns readiness UP once the application is ready, which comes while the warm-up
	 * still runs: until it ends, readiness is turned back to REFUSING_TRAFFIC.
	 */
	@EventListener
	void holdReadiness(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && this.warming) {
			AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		}
	}

	boolean warming() {
		return this.warming;
	}

	/** Sends warm-up fans through the hot paths for {@code duration}, {@code concurrency} at a time. */
	Mono<Result> warmUp(Duration duration, int concurrency) {
		Instant started = Instant.now();
		Instant until = started.plus(duration);
		AtomicLong fans = new AtomicLong();
		AtomicLong requests = new AtomicLong();
		AtomicLong unexpected = new AtomicLong();
		AtomicLong overNetwork = new AtomicLong();
		WebClient network = port() > 0 ? WebClient.create("http://127.0.0.1:" + port()) : null;
		return Mono.usingWhen(this.room.open(), concert -> Flux.range(0, concurrency)
			.flatMap(worker -> Mono.defer(() -> fan(concert, fans.incrementAndGet(), network, overNetwork))
				.doOnNext(answers -> {
					requests.addAndGet(answers.size());
					unexpected.addAndGet(answers.stream().filter(ok -> !ok).count());
				})
				.repeat(() -> Instant.now().isBefore(until))
				.then(), concurrency)
			.then(Mono.fromSupplier(() -> new Result(concert, requests.get(), overNetwork.get(), unexpected.get(),
					Duration.between(started, Instant.now())))), this.room::remove);
	}

	/** One warm-up fan: enters, polls, and sometimes does the same over the network; whether each answer was the expected one. */
	private Mono<List<Boolean>> fan(long concert, long n, WebClient network, AtomicLong overNetwork) {
		String path = "/api/concerts/" + concert + "/queue";
		JwtAuthenticationToken fan = fan("stagedoor-warmup-" + n);
		Mono<Boolean> enter = local(HttpMethod.POST, path, fan, HttpStatus.CREATED);
		Mono<Boolean> poll = local(HttpMethod.GET, path, fan, HttpStatus.OK);
		Mono<Boolean> stranger = local(HttpMethod.GET, path, fan("stagedoor-warmup-none-" + n), HttpStatus.NOT_FOUND);
		Flux<Boolean> answers = Flux.concat(enter, poll, stranger);
		if (network != null && n % NETWORK_SHARE == 0) {
			answers = answers.concatWith(network.post()
				.uri(path)
				.headers(headers -> headers.setBearerAuth(WRONGLY_SIGNED))
				.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode()))
				.doOnNext(status -> overNetwork.incrementAndGet())
				.map(status -> status.value() == HttpStatus.UNAUTHORIZED.value())
				.onErrorReturn(false));
		}
		return answers.collectList();
	}

	private Mono<Boolean> local(HttpMethod method, String path, JwtAuthenticationToken caller, HttpStatus expected) {
		LocalExchange.Response response = LocalExchange.response();
		return this.handler.handle(LocalExchange.request(method, path), response)
			.contextWrite(ReactiveSecurityContextHolder.withAuthentication(caller))
			.then(Mono.fromSupplier(() -> {
				HttpStatusCode status = response.getStatusCode();
				return status != null && status.value() == expected.value();
			}))
			.onErrorReturn(false);
	}

	private static JwtAuthenticationToken fan(String user) {
		return InternalCaller.named(user);
	}

	private int port() {
		if (this.context instanceof WebServerApplicationContext web && web.getWebServer() != null) {
			return web.getWebServer().getPort();
		}
		return -1;
	}

	/** A well-formed HS256 JWT whose signature is 32 zero bytes: every verifier refuses it. */
	static final String WRONGLY_SIGNED = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "."
			+ encode("{\"sub\":\"stagedoor-warmup\",\"exp\":4102444800}") + "."
			+ Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

	private static String encode(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * What a warm-up did: its room, the requests sent (of which over the network), how many
	 * were not answered as expected, how long it took.
	 */
	record Result(long concertId, long requests, long overNetwork, long unexpected, Duration took) {
	}

}
