package dev.stagedoor.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The one way Stagedoor answers with an error: RFC 9457 problem+json carrying a stable,
 * kebab-case {@code code} member that clients switch on.
 */
public final class Problem {

	private static final String TYPE_BASE = "https://stagedoor.dev/problems/";

	private Problem() {
	}

	public static ProblemDetail of(HttpStatusCode status, String code, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_BASE + code));
		HttpStatus known = HttpStatus.resolve(status.value());
		problem.setTitle(known != null ? known.getReasonPhrase() : "Error");
		problem.setProperty("code", code);
		return problem;
	}

	public static ResponseEntity<Object> response(HttpStatusCode status, String code, String detail) {
		return response(of(status, code, detail));
	}

	public static ResponseEntity<Object> response(HttpStatusCode status, String code, String detail,
			Map<String, Object> members) {
		ProblemDetail problem = of(status, code, detail);
		members.forEach(problem::setProperty);
		return response(problem);
	}

	public static ResponseEntity<Object> response(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	/**
	 * 400 {@code validation-failed} naming the offending input: {@code field} (a JSON path
	 * such as {@code seatIds[0]}, a path variable, query parameter or header name) and
	 * {@code errors} ({@code ["<field>: <why>"]}, the shape bean validation errors have).
	 */
	public static ProblemDetail invalid(String field, String why) {
		return ValidationErrors.problem(List.of(new ValidationErrors.Violation(field, why)));
	}

	public static ProblemDetail concertNotFound() {
		return of(HttpStatus.NOT_FOUND, "concert-not-found", "There is no such concert.");
	}

	public static ProblemDetail scheduleNotFound() {
		return of(HttpStatus.NOT_FOUND, "schedule-not-found", "There is no such schedule.");
	}

	/**
	 * The default code for a status that has no more specific one. Every status the framework
	 * answers by itself maps to a code of the catalog ({@link ProblemCode}); a 400 is
	 * {@code validation-failed}, the code clients already handle for malformed requests.
	 */
	public static String codeFor(HttpStatusCode status) {
		return switch (status.value()) {
			case 400 -> "validation-failed";
			case 401 -> "unauthorized";
			case 403 -> "forbidden";
			case 404 -> "not-found";
			case 405 -> "method-not-allowed";
			case 406 -> "not-acceptable";
			case 409 -> "conflict";
			case 413 -> "payload-too-large";
			case 415 -> "unsupported-media-type";
			case 422 -> "unprocessable";
			case 429 -> "too-many-requests";
			case 503 -> "unavailable";
			default -> status.is5xxServerError() ? "internal-error" : "error";
		};
	}

	/**
	 * The problem's JSON members in the order clients see them (type, title, status, detail,
	 * instance, then code and the other properties): for bodies written outside the codecs
	 * (filters, stored idempotent responses).
	 */
	public static Map<String, Object> body(ProblemDetail problem) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("type", String.valueOf(problem.getType()));
		map.put("title", problem.getTitle());
		map.put("status", problem.getStatus());
		if (problem.getDetail() != null) {
			map.put("detail", problem.getDetail());
		}
		if (problem.getInstance() != null) {
			map.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			map.putAll(problem.getProperties());
		}
		return map;
	}

}
