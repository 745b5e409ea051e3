package dev.stagedoor.web;

import java.lang.reflect.Method;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;
import org.springframework.validation.beanvalidation.MethodValidationAdapter;
import org.springframework.validation.method.MethodValidationResult;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;

import static org.assertj.core.api.Assertions.assertThat;

class ValidationErrorsTests {

	record Order(@NotNull @Positive Long amount, @Size(max = 2) List<@Positive Long> seatIds) {
	}

	static class Handler {

		void order(@RequestParam(name = "limit") @Min(1) @Max(5) int limit,
				@RequestHeader(name = "Idempotency-Key", required = false) @NotNull(message = "is required") String key,
				@Valid @RequestBody Order body) {
		}

	}

	static final LocalValidatorFactoryBean VALIDATOR = validator();

	@Test
	void oneParameterViolationReadsLikeAHandWrittenCheck() throws Exception {
		ProblemDetail problem = ProblemExceptionHandler.toProblem(methodFailure(9, "key", new Order(1L, List.of())));

		assertThat(problem).isEqualTo(Problem.invalid("limit", "must be less than or equal to 5"));
		assertThat(problem.getProperties()).containsEntry("code", "validation-failed")
			.containsEntry("field", "limit")
			.containsEntry("errors", List.of("limit: must be less than or equal to 5"));
	}

	@Test
	void parametersAndTheBodyAreListedTogetherSortedByField() throws Exception {
		ProblemDetail problem = ProblemExceptionHandler.toProblem(methodFailure(0, null, new Order(-1L, List.of(1L, 2L, 3L))));

		assertThat(problem.getStatus()).isEqualTo(400);
		assertThat(problem.getDetail()).isEqualTo(ValidationErrors.SEVERAL);
		assertThat(problem.getProperties()).containsEntry("code", "validation-failed")
			.containsEntry("field", "Idempotency-Key")
			.containsEntry("errors", List.of("Idempotency-Key: is required", "amount: must be greater than 0",
					"limit: must be greater than or equal to 1", "seatIds: size must be between 0 and 2"));
	}

	@Test
	void aBodyValidatedOnItsOwnGivesTheSameShape() throws Exception {
		Order order = new Order(null, List.of(-5L));
		BeanPropertyBindingResult result = new BeanPropertyBindingResult(order, "order");
		VALIDATOR.validate(order, result);
		Method method = Handler.class.getDeclaredMethod("order", int.class, String.class, Order.class);
		ProblemDetail problem = ProblemExceptionHandler
			.toProblem(new WebExchangeBindException(new MethodParameter(method, 2), result));

		assertThat(problem.getDetail()).isEqualTo(ValidationErrors.SEVERAL);
		assertThat(problem.getProperties()).containsEntry("field", "amount")
			.containsEntry("errors", List.of("amount: must not be null", "seatIds[0]: must be greater than 0"));

		Order one = new Order(null, List.of());
		BeanPropertyBindingResult single = new BeanPropertyBindingResult(one, "order");
		VALIDATOR.validate(one, single);
		assertThat(ProblemExceptionHandler.toProblem(new WebExchangeBindException(new MethodParameter(method, 2), single)))
			.isEqualTo(Problem.invalid("amount", "must not be null"));
	}

	private static HandlerMethodValidationException methodFailure(int limit, String key, Order body) throws Exception {
		Method method = Handler.class.getDeclaredMethod("order", int.class, String.class, Order.class);
		MethodValidationResult result = new MethodValidationAdapter((jakarta.validation.Validator) VALIDATOR).validateArguments(new Handler(), method,
				null, new Object[] { limit, key, body }, new Class<?>[0]);
		assertThat(result.hasErrors()).isTrue();
		return new HandlerMethodValidationException(result);
	}

	private static LocalValidatorFactoryBean validator() {
		LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
		validator.afterPropertiesSet();
		return validator;
	}

}
