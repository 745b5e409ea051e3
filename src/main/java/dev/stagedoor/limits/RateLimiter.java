package dev.stagedoor.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
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
import dev.stagedoor.web.Problem;
import dev.stagedoor.web.ProblemWriter;

/**
 * Token-bucket rate limits per endpoint class ({@link EndpointClass}), one bucket per user and
 * one per client address, both in Redis ({@code take_token.lua}, Redis time), so every instance
 * draws from the same buckets. Runs after authentication (Spring Security's filter chain is at
 * order -100), before any handler: a refused request never reaches one and so changes nothing.
 * Limited endpoints answer with the IETF {@code RateLimit-Policy} and {@code RateLimit} headers
 * (one item per bucket, {@code "<class>-user"} and {@code "<class>-address"}); a refusal is 429
 * {@code rate-limited} with {@code Retry-After}.
 * <p>
 * When Redis cannot be reached the limiter fails open, except for new queue entries: an
 * admitted fan in the middle of buying must not lose the sale to the limiter's store (and every
 * call it makes needs Redis anyway), while a queue entry that cannot be limited is exactly the
 * flood the waiting room exists to meter; it answers 503 {@code unavailable} with
 * {@code Retry-After}, as any Redis outage does.
 */
@Component
@Order(RateLimiter.ORDER)
class RateLimiter implements WebFilter {

	/** After Spring Security's web filter chain (-100), so the caller is known. */
	static final int ORDER = 0;

	static final String POLICY_HEADER = "RateLimit-Policy";

	static final String STATE_HEADER = "RateLimit";

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
		if (endpoint == null) {
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
					: decide(endpoint, request.getMethod(), buckets,
							caller.filter(Authentication::isAuthenticated).map(Authentication::getName), address)
						.flatMap(verdict -> apply(verdict, endpoint, exchange, chain)));
	}

	private Mono<Verdict> decide(EndpointClass endpoint, HttpMethod method, Bucket[] buckets, Optional<String> user,
			String address) {
		List<Mono<Checked>> checks = new ArrayList<>(2);
		if (buckets[0].on() && user.isPresent()) {
			checks.add(this.scripts.take(this.scripts.keys().user(endpoint, user.get()), buckets[0])
				.map(take -> new Checked(endpoint.id() + "-user", Reason.USER_RATE, buckets[0], take)));
		}
		if (buckets[1].on()) {
			checks.add(this.scripts.take(this.scripts.keys().address(endpoint, address), buckets[1])
				.map(take -> new Checked(endpoint.id() + "-address", Reason.ADDRESS_RATE, buckets[1], take)));
		}
		return Flux.mergeSequential(checks).collectList().map(Verdict::of).onErrorResume(ex -> {
			boolean closed = EndpointClass.failsClosed(endpoint, method);
			log.debug("Rate limiter cannot reach Redis ({}): {} request {}", ex.toString(), endpoint.id(),
					closed ? "refused (a new queue entry)" : "let through");
			return Mono.just(closed ? Verdict.UNAVAILABLE : Verdict.OPEN);
		});
	}

	private Mono<Void> apply(Verdict verdict, EndpointClass endpoint, ServerWebExchange exchange, WebFilterChain chain) {
		if (verdict.kind == Kind.OPEN) {
			this.refusals.failedOpen(endpoint);
			return chain.filter(exchange);
		}
		if (verdict.kind == Kind.UNAVAILABLE) {
			this.refusals.count(endpoint, Reason.LIMITER_UNAVAILABLE);
			exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
			return this.problems.reject(exchange, Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
					"The rate limiter cannot reach its store, so no new queue entries are taken; retry in a moment."));
		}
		HttpHeaders headers = exchange.getResponse().getHeaders();
		headers.set(POLICY_HEADER, verdict.checked.stream()
			.map(c -> "\"" + c.name + "\";q=" + c.bucket.capacity() + ";w=" + c.bucket.windowSeconds())
			.collect(Collectors.joining(", ")));
		headers.set(STATE_HEADER, verdict.checked.stream()
			.map(c -> "\"" + c.name + "\";r=" + c.take.remaining() + ";t=" + seconds(c.take.fullInMs()))
			.collect(Collectors.joining(", ")));
		Optional<Checked> limited = verdict.checked.stream()
			.filter(c -> !c.take.allowed())
			.max((a, b) -> Long.compare(a.take.retryAfterMs(), b.take.retryAfterMs()));
		if (limited.isEmpty()) {
			return chain.filter(exchange);
		}
		Checked refused = limited.get();
		long retryAfter = Math.max(1, seconds(refused.take.retryAfterMs()));
		this.refusals.count(endpoint, refused.reason);
		headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter));
		return this.problems.reject(exchange, LimitProblems.rateLimited(retryAfter, refused.name));
	}

	private static long seconds(long millis) {
		return (millis + 999) / 1000;
	}

	private record Checked(String name, Reason reason, Bucket bucket, Take take) {
	}

	/** The buckets checked; or, without Redis, let through (OPEN) or refused (UNAVAILABLE). */
	private record Verdict(Kind kind, List<Checked> checked) {

		static final Verdict OPEN = new Verdict(Kind.OPEN, List.of());

		static final Verdict UNAVAILABLE = new Verdict(Kind.UNAVAILABLE, List.of());

		static Verdict of(List<Checked> checked) {
			return new Verdict(Kind.CHECKED, checked);
		}

	}

	private enum Kind {

		CHECKED, OPEN, UNAVAILABLE

	}

}
