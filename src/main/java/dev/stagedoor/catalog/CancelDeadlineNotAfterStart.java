package dev.stagedoor.catalog;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import dev.stagedoor.catalog.ScheduleController.NewSchedule;

/**
 * A new schedule's {@code cancelDeadline}, when it has one, is not after its {@code startsAt}
 * (it may equal it). A rule across two fields, so it sits on the record; the violation names
 * {@code cancelDeadline}, the field to change.
 */
@Documented
@Constraint(validatedBy = CancelDeadlineNotAfterStart.Validator.class)
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface CancelDeadlineNotAfterStart {

	String message() default "must not be after startsAt";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	final class Validator implements ConstraintValidator<CancelDeadlineNotAfterStart, NewSchedule> {

		@Override
		public boolean isValid(NewSchedule schedule, ConstraintValidatorContext context) {
			if (schedule == null || schedule.cancelDeadline() == null || schedule.startsAt() == null
					|| !schedule.cancelDeadline().isAfter(schedule.startsAt())) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
				.addPropertyNode("cancelDeadline")
				.addConstraintViolation();
			return false;
		}

	}

}
