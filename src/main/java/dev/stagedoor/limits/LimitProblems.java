package dev.stagedoor.limits;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.stagedoor.web.Problem;

/** The 429 answers of the fair-play defences, each with {@code Retry-After}. */
public final class LimitProblems {

	private LimitProblems() {
	}

	/** 429 {@code rate-limited}: {@code retryAfterSeconds} as in {@code Retry-After}, {@code policy} the limit hit. */
	public static ProblemDetail rateLimited(long retryAfterSeconds, String policy) {
		ProblemDetail problem = Problem.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
				"Too many requests; retry after " + retryAfterSeconds + " s.");
		problem.setProperty("retryAfterSeconds", retryAfterSeconds);
		problem.setProperty("policy", policy);
		return problem;
	}

	public static ResponseEntity<Object> rateLimitedResponse(long retryAfterSeconds, String policy) {
		return withRetryAfter(rateLimited(retryAfterSeconds, policy), retryAfterSeconds);
	}

	/** 429 {@code hold-cooldown}: too many of the caller's holds on this schedule lapsed or were released unpaid. */
	public static ResponseEntity<Object> holdCooldown(long retryAfterSeconds, int lapsed) {
		ProblemDetail problem = Problem.of(HttpStatus.TOO_MANY_REQUESTS, "hold-cooldown",
				"Your holds on this schedule lapsed or were released without payment " + lapsed
						+ " times lately; you can hold again in " + retryAfterSeconds + " s.");
		Map.of("retryAfterSeconds", (Object) retryAfterSeconds, "lapsed", lapsed).forEach(problem::setProperty);
		return withRetryAfter(problem, retryAfterSeconds);
	}

	private static ResponseEntity<Object> withRetryAfter(ProblemDetail problem, long retryAfterSeconds) {
		return ResponseEntity.status(problem.getStatus())
			.header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

}
