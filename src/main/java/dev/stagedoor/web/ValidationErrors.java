package dev.stagedoor.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;

/**
 * The one mapping of Bean Validation failures to 400 {@code validation-failed}: a request body
 * validated on its own ({@link WebExchangeBindException}) and a handler method validated as a
 * whole ({@link HandlerMethodValidationException}: constraints on query parameters, headers
 * and path variables, plus the {@code @Valid} body of such a method) give the same body.
 * {@code errors} lists every violation as {@code "<field>: <why>"}, sorted by field, then
 * message; {@code field} is the first one's field; {@code detail} reads {@code "<field> <why>."}
 * for a single violation, else {@code "The request has invalid fields."}. A body's fields are
 * named by their path ({@code sections[0].rows}), a parameter by its declared name
 * ({@code limit}, {@code Idempotency-Key}), so one violation reads exactly like
 * {@link Problem#invalid}.
 */
final class ValidationErrors {

	static final String SEVERAL = "The request has invalid fields.";

	private ValidationErrors() {
	}

	static ProblemDetail of(WebExchangeBindException ex) {
		List<Violation> violations = new ArrayList<>();
		for (FieldError error : ex.getFieldErrors()) {
			violations.add(new Violation(error.getField(), error.getDefaultMessage()));
		}
		return problem(violations);
	}

	static ProblemDetail of(HandlerMethodValidationException ex) {
		List<Violation> violations = new ArrayList<>();
		for (ParameterValidationResult result : ex.getParameterValidationResults()) {
			if (result instanceof ParameterErrors errors) {
				for (FieldError error : errors.getFieldErrors()) {
					violations.add(new Violation(error.getField(), error.getDefaultMessage()));
				}
			}
			else {
				String name = InputErrors.nameOf(result.getMethodParameter());
				for (MessageSourceResolvable error : result.getResolvableErrors()) {
					violations.add(new Violation(name, error.getDefaultMessage()));
				}
			}
		}
		return problem(violations);
	}

	/** The body for these violations (any order); {@link Problem#invalid} is the one-violation case. */
	static ProblemDetail problem(List<Violation> unsorted) {
		List<Violation> violations = unsorted.stream()
			.sorted(Comparator.comparing(Violation::field).thenComparing(Violation::why))
			.toList();
		String detail = violations.size() == 1 ? violations.get(0).field() + " " + violations.get(0).why() + "."
				: SEVERAL;
		ProblemDetail problem = Problem.of(HttpStatus.BAD_REQUEST, "validation-failed", detail);
		problem.setProperty("errors", violations.stream().map(v -> v.field() + ": " + v.why()).toList());
		if (!violations.isEmpty()) {
			problem.setProperty("field", violations.get(0).field());
		}
		return problem;
	}

	record Violation(String field, String why) {

		Violation {
			why = String.valueOf(why);
		}

	}

}
