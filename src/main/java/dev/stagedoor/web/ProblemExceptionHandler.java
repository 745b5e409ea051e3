package dev.stagedoor.web;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

import dev.stagedoor.support.TransientFailures;

/**
 * Turns every exception that escapes a handler into problem+json with a stable code.
 * Input errors become 4xx; anything unexpected becomes a 500 that reveals nothing. A client
 * that went away mid-request or mid-response ({@link ClientAborts}) is logged at DEBUG and
 * answered with nothing: nobody is left to read an answer.
 */
@Component
@Order(-2)
class ProblemExceptionHandler implements WebExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	private final ProblemWriter writer;

	ProblemExceptionHandler(ProblemWriter writer) {
		this.writer = writer;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (ClientAborts.is(ex)) {
			log.debug("Client went away during {} {}: {}", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath(), ex.toString());
			return Mono.empty();
		}
		ProblemDetail problem = toProblem(ex);
		if (problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
			log.warn("Overloaded or a store unreachable on {} {}: {}", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath(), ex.toString());
			exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
			return this.writer.write(exchange.getResponse(), problem);
		}
		if (problem.getStatus() >= 500) {
			log.error("Unhandled error on {} {}", exchange.getRequest().getMethod(),
					exchange.getRequest().getPath(), ex);
		}
		return this.writer.write(exchange.getResponse(), problem);
	}

	static ProblemDetail toProblem(Throwable ex) {
		if (ex instanceof ProblemException problem) {
			return problem.problem();
		}
		if (TransientFailures.hasCause(ex, DataBufferLimitException.class)) {
			return Problem.of(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "The request body is too large.");
		}
		if (ex instanceof WebExchangeBindException bind) {
			return ValidationErrors.of(bind);
		}
		if (ex instanceof HandlerMethodValidationException validation && !validation.isForReturnValue()) {
			return ValidationErrors.of(validation);
		}
		if (ex instanceof ServerWebInputException input) {
			return InputErrors.describe(input);
		}
		if (ex instanceof ErrorResponse response) {
			HttpStatusCode status = response.getStatusCode();
			String detail = status.is5xxServerError() ? "Internal error." : response.getBody().getDetail();
			return Problem.of(status, Problem.codeFor(status), detail);
		}
		if (TransientFailures.isTransient(ex)) {
			return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
					"The service is overloaded or a store is unreachable; retry shortly. Nothing was lost: "
							+ "a state change either happened or did not, as the resource shows.");
		}
		return Problem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error.");
	}

}
