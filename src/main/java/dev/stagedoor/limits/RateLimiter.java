package dev.stagedoor.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.limits.RateLimitProperties.Bucket;
import dev.stagedoor.limits.RateLimitScripts.Take;
import dev.stagedoor.limits.Refusals.Reason;
import dev.stagedoor.web.ClientAddresses;
import dev.stagedoor.web.InternalCaller;
import dev.stagedoor.web.ProblemWriter;

/**
 * Token-bucket rate limits per endpoint class ({@link EndpointClass}), one bucket per user and
 * one per client address, both in Redis ({@code take_token.lua}, Redis time), so every instance
 * draws from the same buckets. Runs after authentication (Spring Security's filter chain is at
 * order -100), before any handler: a refused request never reaches one and so changes nothing,
 * not even the other bucket (the two live in different hash slots, so they are taken in two
 * calls, and a token taken from one is given back when the other refuses). Limited endpoints
 * answer with the IETF {@code RateLimit-Policy} and {@code RateLimit} headers
 * ({@link BucketState}); a refusal is 429 {@code rate-limited} with {@code Retry-After}.
 * <p>
 * Queue entries ({@code POST /api/concerts/{id}/queue}) are not limited here: the waiting room
 * takes their buckets, per room, inside its entry script (one Redis call per entry instead of
 * three), with the same configuration ({@code stagedoor.rate-limit.queue.*}) and answers.
 * <p>
 * When Redis cannot be reached the limiter fails open: an admitted fan in the middle of buying
 * must not lose the sale to the limiter's store (and every call it makes needs Redis anyway).
 * New queue entries fail closed, as the flood the waiting room exists to meter: their buckets
 * are in the entry script, so an entry that cannot be limited is not taken either (503
 * {@code unavailable} with {@code Retry-After}, counted as {@code limiter-unavailable}).
 */
@Component
@Order(RateLimiter.ORDER)
class RateLimiter implements WebFilter {

	/** After Spring Security's web filter chain (-100), so the caller is known. */
	static final int ORDER = 0;

	private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

	private final RateLimitScripts scripts;

	private final RateLimitProperties properties;

	private final ClientAddresses addresses;

	private final Refusals refusals;

	private final ProblemWriter problems;

	RateLimiter(RateLimitScripts scripts, RateLimitProperties properties, ClientAddresses addresses, Refusals refusals,
			ProblemWriter problems) {
		this.scripts = scripts;
		this.properties = properties;
		this.addresses = addresses;
		this.refusals = refusals;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String path = request.getPath().pathWithinApplication().value();
		if (!path.startsWith("/api/")) {
			return chain.filter(exchange);
		}
		String address = this.addresses.of(exchange);
		EndpointClass endpoint = EndpointClass.of(request.getMethod(), path);
		if (endpoint == null || enteringAQueue(endpoint, request.getMethod())) {
			return chain.filter(exchange);
		}
		Bucket[] buckets = this.properties.of(endpoint);
		if (!buckets[0].on() && !buckets[1].on()) {
			return chain.filter(exchange);
		}
		return ReactiveSecurityContextHolder.getContext()
			.map(context -> Optional.ofNullable(context.getAuthentication()))
			.defaultIfEmpty(Optional.empty())
			.flatMap(caller -> caller.filter(InternalCaller::is).isPresent() ? chain.filter(exchange)
					: decide(endpoint, buckets,
							caller.filter(Authentication::isAuthenticated).map(Authentication::getName), address)
						.flatMap(verdict -> apply(verdict, endpoint, exchange, chain)));
	}

	/** A queue entry: limited by the waiting room's entry script, not here. */
	static boolean enteringAQueue(EndpointClass endpoint, HttpMethod method) {
		return endpoint == EndpointClass.QUEUE && HttpMethod.POST.equals(method);
	}

	private Mono<Verdict> decide(EndpointClass endpoint, Bucket[] buckets, Optional<String> user,
			String address) {
		List<Mono<Checked>> checks = new ArrayList<>(2);
		if (buckets[0].on() && user.isPresent()) {
			String key = this.scripts.keys().user(endpoint, user.get());
			checks.add(this.scripts.take(key, buckets[0])
				.map(take -> new Checked(endpoint.id() + "-user", key, Reason.USER_RATE, buckets[0], take)));
		}
		if (buckets[1].on()) {
			String key = this.scripts.keys().address(endpoint, address);
			checks.add(this.scripts.take(key, buckets[1])
				.map(take -> new Checked(endpoint.id() + "-address", key, Reason.ADDRESS_RATE, buckets[1], take)));
		}
		return Flux.mergeSequential(checks).collectList().map(Verdict::of).onErrorResume(ex -> {
			log.debug("Rate limiter cannot reach Redis ({}): {} request let through", ex.toString(), endpoint.id());
			return Mono.just(Verdict.OPEN);
		});
	}

	private Mono<Void> apply(Verdict verdict, EndpointClass endpoint, ServerWebExchange exchange, WebFilterChain chain) {
		if (verdict.kind == Kind.OPEN) {
			this.refusals.failedOpen(endpoint);
			return chain.filter(exchange);
		}
		HttpHeaders headers = exchange.getResponse().getHeaders();
		BucketState.writeHeaders(headers, verdict.checked.stream()
			.map(c -> new BucketState(c.name, c.bucket, c.take.remaining(), c.take.fullInMs()))
			.toList());
		Optional<Checked> limited = verdict.checked.stream()
			.filter(c -> !c.take.allowed())
			.max((a, b) -> Long.compare(a.take.retryAfterMs(), b.take.retryAfterMs()));
		if (limited.isEmpty()) {
			return chain.filter(exchange);
		}
		Checked refused = limited.get();
		long retryAfter = Math.max(1, BucketState.seconds(refused.take.retryAfterMs()));
		this.refusals.count(endpoint, refused.reason);
		headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter));
		return giveBackTaken(verdict)
			.then(this.problems.reject(exchange, LimitProblems.rateLimited(retryAfter, refused.name)));
	}

	/** The tokens a refused request took from the buckets that let it through go back. */
	private Mono<Void> giveBackTaken(Verdict verdict) {
		return Flux.fromIterable(verdict.checked)
			.filter(c -> c.take.allowed())
			.flatMap(c -> this.scripts.giveBack(c.key, c.bucket).onErrorResume(ex -> {
				log.debug("Could not give back a token to {}: {}", c.key, ex.toString());
				return Mono.empty();
			}))
			.then();
	}

	private record Checked(String name, String key, Reason reason, Bucket bucket, Take take) {
	}

	/** The buckets checked; or, without Redis, let through (OPEN). */
	private record Verdict(Kind kind, List<Checked> checked) {

		static final Verdict OPEN = new Verdict(Kind.OPEN, List.of());

		static Verdict of(List<Checked> checked) {
			return new Verdict(Kind.CHECKED, checked);
		}

	}

	private enum Kind {

		CHECKED, OPEN

	}

}
