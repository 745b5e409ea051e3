package dev.stagedoor.catalog;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Objects;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import dev.stagedoor.catalog.ScheduleController.NewSection;

/**
 * New sections with at most {@link #value()} seats in all ({@code rows × seatsPerRow} summed);
 * the message tells the total: {@code must have at most 20000 seats in all, not 25000}.
 * Sections or sizes still missing count as none (their own constraints report them).
 */
@Documented
@Constraint(validatedBy = MaxSeats.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface MaxSeats {

	long value();

	/** Unused: the message always tells the limit and the total. */
	String message() default "";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	final class Validator implements ConstraintValidator<MaxSeats, List<NewSection>> {

		private long max;

		@Override
		public void initialize(MaxSeats annotation) {
			this.max = annotation.value();
		}

		@Override
		public boolean isValid(List<NewSection> sections, ConstraintValidatorContext context) {
			if (sections == null) {
				return true;
			}
			long seats = sections.stream()
				.filter(Objects::nonNull)
				.filter(s -> s.rows() != null && s.seatsPerRow() != null)
				.mapToLong(s -> (long) s.rows() * s.seatsPerRow())
				.sum();
			if (seats <= this.max) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate("must have at most " + this.max + " seats in all, not " + seats)
				.addConstraintViolation();
			return false;
		}

	}

}
