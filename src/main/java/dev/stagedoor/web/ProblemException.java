package dev.stagedoor.web;

import org.springframework.http.ProblemDetail;

/**
 * Carries a problem out of a streaming endpoint, whose reply type cannot be a problem body;
 * the global handler writes it as is. Elsewhere outcomes are values, not exceptions.
 */
public class ProblemException extends RuntimeException {

	private final transient ProblemDetail problem;

	public ProblemException(ProblemDetail problem) {
		super(problem.getDetail(), null, false, false);
		this.problem = problem;
	}

	public ProblemDetail problem() {
		return this.problem;
	}

}
