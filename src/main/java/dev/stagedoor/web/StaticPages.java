package dev.stagedoor.web;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The web client's folders answer with their page: {@code /admin} and {@code /admin/} serve
 * {@code static/admin/index.html} (Spring serves {@code static/index.html} at {@code /} itself).
 * The pages are public static files; what they show needs the caller's own bearer token.
 */
@Component
class StaticPages implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		if (path.equals("/admin") || path.equals("/admin/")) {
			return chain.filter(exchange.mutate().request(r -> r.path("/admin/index.html")).build());
		}
		return chain.filter(exchange);
	}

}
