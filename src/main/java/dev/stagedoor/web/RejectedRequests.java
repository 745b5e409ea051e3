package dev.stagedoor.web;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers the requests Spring Security's firewall refuses before any handler sees them — an
 * encoded slash or dot segment in the path ({@code /api/reservations/..%2F..}), a header or
 * parameter value with control or non-ASCII bytes (a UTF-8 {@code Idempotency-Key}) — with
 * 400 {@code malformed-request} naming the part of the request, instead of an empty 400.
 * The rejected value is never echoed.
 * <p>
 * The body is not read here: the firewall checks a header when it is first read, which can be
 * after a handler has started reading the body (a charge's {@code Idempotency-Key} is resolved
 * beside its body), and a second reader of the body is refused by Reactor Netty (an ERROR line
 * about a dropped "Rejecting additional inbound receiver"). Reactor Netty discards what is left
 * of an unread body once the answer is sent.
 */
@Component
class RejectedRequests implements ServerExchangeRejectedHandler {

	private static final Pattern HEADER = Pattern.compile("header(?: name)?:? \"([^\"]*?) ?\"");

	private static final Pattern PARAMETER = Pattern.compile("parameter(?: name)?:? \"([^\"]*?) ?\"");

	private final ProblemWriter problems;

	RejectedRequests(ProblemWriter problems) {
		this.problems = problems;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException ex) {
		return this.problems.write(exchange.getResponse(), toProblem(ex.getMessage()));
	}

	static ProblemDetail toProblem(String reason) {
		String message = reason == null ? "" : reason;
		String field;
		String why;
		Matcher header = HEADER.matcher(message);
		Matcher parameter = PARAMETER.matcher(message);
		if (header.find()) {
			field = printable(header.group(1));
			why = message.contains("header name") ? "is not an allowed header name"
					: "must contain printable characters only (send non-ASCII values encoded, e.g. percent-encoded UTF-8)";
		}
		else if (parameter.find()) {
			field = printable(parameter.group(1));
			why = message.contains("parameter name") ? "is not an allowed parameter name"
					: "must contain printable characters only";
		}
		else if (message.contains("HTTP method")) {
			field = "method";
			why = "is not allowed";
		}
		else if (message.contains("domain")) {
			field = "Host";
			why = "is not an allowed host";
		}
		else {
			field = "path";
			why = "must be a normalized path without encoded slashes, backslashes, dots, semicolons, percent signs or "
					+ "control characters";
		}
		ProblemDetail problem = Problem.of(HttpStatus.BAD_REQUEST, "malformed-request",
				"The request was refused before reaching the API: " + field + " " + why + ".");
		problem.setProperty("field", field);
		problem.setProperty("errors", java.util.List.of(field + ": " + why));
		return problem;
	}

	/** A header or parameter name as the firewall quoted it, reduced to printable ASCII. */
	private static String printable(String name) {
		String kept = name.chars()
			.filter(c -> c > 0x20 && c < 0x7f)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		return kept.isEmpty() ? "name" : kept.length() > 64 ? kept.substring(0, 64) : kept;
	}

}
