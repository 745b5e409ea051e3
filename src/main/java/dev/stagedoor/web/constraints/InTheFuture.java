package dev.stagedoor.web.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Clock;
import java.time.Instant;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * An instant strictly after the application's {@link Clock} (the bean, so tests that move the
 * clock move this rule too); {@code null} is valid (pair it with {@code @NotNull}). Bean
 * Validation's {@code @Future} reads its own clock provider, not the application's clock.
 */
@Documented
@Constraint(validatedBy = InTheFuture.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface InTheFuture {

	String message() default "must be in the future";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/**
	 * Created by Spring's constraint validator factory (the validator of the application
	 * context), which passes the {@link Clock} bean. A factory that cannot supply it fails
	 * instead of falling back to the system clock.
	 */
	final class Validator implements ConstraintValidator<InTheFuture, Instant> {

		private final Clock clock;

		public Validator(Clock clock) {
			this.clock = clock;
		}

		@Override
		public boolean isValid(Instant value, ConstraintValidatorContext context) {
			return value == null || value.isAfter(this.clock.instant());
		}

	}

}
