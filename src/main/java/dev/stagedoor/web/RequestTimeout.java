package dev.stagedoor.web;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * No {@code /api} request runs longer than {@code stagedoor.web.request-timeout}: past it the
 * work is cancelled and {@link ProblemExceptionHandler} answers 503 {@code unavailable} with
 * {@code Retry-After}, so a client is told to retry instead of waiting on a request that a
 * stuck store or a starved pool would never finish. Outermost filter, so authentication
 * counts too. Reactor Netty's own request timeout bounds only reading the request, not
 * producing the answer, hence a filter. Event streams are exempt, being long by design:
 * {@code …/stream} paths, requests that accept only {@code text/event-stream}, and any
 * response that has started as one when the timeout fires.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestTimeout implements WebFilter {

	private final Duration timeout;

	RequestTimeout(WebProperties properties) {
		this.timeout = properties.requestTimeout();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!applies(exchange.getRequest())) {
			return chain.filter(exchange);
		}
		// a stream that started meanwhile is left alone: the trigger then never fires
		Mono<Long> expired = Mono.delay(this.timeout)
			.flatMap(tick -> isStream(exchange.getResponse()) ? Mono.<Long>never() : Mono.just(tick));
		return chain.filter(exchange)
			.timeout(expired, Mono.error(() -> new TimeoutException("No answer within " + this.timeout
					+ " (stagedoor.web.request-timeout) to " + exchange.getRequest().getMethod() + " "
					+ exchange.getRequest().getPath())));
	}

	private static boolean applies(ServerHttpRequest request) {
		String path = request.getPath().pathWithinApplication().value();
		if (!path.startsWith("/api/") || path.endsWith("/stream")) {
			return false;
		}
		var accepted = request.getHeaders().getAccept();
		return accepted.isEmpty() || !accepted.stream().allMatch(MediaType.TEXT_EVENT_STREAM::equalsTypeAndSubtype);
	}

	private static boolean isStream(ServerHttpResponse response) {
		MediaType type = response.getHeaders().getContentType();
		return type != null && MediaType.TEXT_EVENT_STREAM.equalsTypeAndSubtype(type);
	}

}
