package dev.stagedoor.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The requests the server received for stream tickets and streams, in arrival order (method,
 * path and raw query), so a browser test can show from the server's side which tickets were
 * asked for and which URLs a page reopened its streams with. Registered by
 * {@code @Import(RequestLog.class)} only (not a @Configuration, so no component scan picks it up).
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestLog implements WebFilter {

	record Request(String method, String path, String query) {

		boolean isTicket() {
			return "POST".equals(this.method) && "/api/me/stream-tickets".equals(this.path);
		}

		boolean isStream(String streamPath) {
			return "GET".equals(this.method) && streamPath.equals(this.path);
		}

		/** A query parameter's raw value, or null. */
		String parameter(String name) {
			if (this.query == null) {
				return null;
			}
			for (String pair : this.query.split("&")) {
				int eq = pair.indexOf('=');
				if (eq > 0 && pair.substring(0, eq).equals(name)) {
					return pair.substring(eq + 1);
				}
			}
			return null;
		}

	}

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().value();
		if (path.equals("/api/me/stream-tickets") || path.endsWith("/stream")) {
			this.requests.add(new Request(exchange.getRequest().getMethod().name(), path,
					exchange.getRequest().getURI().getRawQuery()));
		}
		return chain.filter(exchange);
	}

	/** Every request recorded so far, oldest first. */
	List<Request> all() {
		return List.copyOf(this.requests);
	}

	/** The requests recorded after the first {@code from}. */
	List<Request> since(int from) {
		List<Request> all = all();
		return all.subList(Math.min(from, all.size()), all.size());
	}

	int size() {
		return this.requests.size();
	}

}
