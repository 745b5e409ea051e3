package dev.stagedoor.web;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a {@link ProblemDetail} straight to a response, for the places that run outside
 * a controller (security entry points, the global exception handler).
 */
@Component
public class ProblemWriter {

	private final JsonMapper json;

	ProblemWriter(JsonMapper json) {
		this.json = json;
	}

	/**
	 * Answers a request refused before its body was read (authentication, access): the body
	 * is read and released first, so no buffer leaks and the kept-alive connection is left
	 * ready for its next request. (The suite's rare unanswered requests, once blamed on this,
	 * came from the test client's connection pool: see the test helper {@code Api}.)
	 */
	public Mono<Void> reject(org.springframework.web.server.ServerWebExchange exchange, ProblemDetail problem) {
		return exchange.getRequest().getBody().doOnNext(org.springframework.core.io.buffer.DataBufferUtils::release)
			.onErrorComplete().then(write(exchange.getResponse(), problem));
	}

	public Mono<Void> write(ServerHttpResponse response, ProblemDetail problem) {
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(org.springframework.http.HttpStatusCode.valueOf(problem.getStatus()));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] body = this.json.writeValueAsBytes(Problem.body(problem));
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

}
