package dev.stagedoor.catalog;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import dev.stagedoor.catalog.ScheduleController.NewSection;

/**
 * New sections whose names differ (exactly: {@code A} and {@code a} differ); sections or names
 * still missing are left to their own constraints.
 */
@Documented
@Constraint(validatedBy = DifferentNames.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface DifferentNames {

	String message() default "must have different names";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	final class Validator implements ConstraintValidator<DifferentNames, List<NewSection>> {

		@Override
		public boolean isValid(List<NewSection> sections, ConstraintValidatorContext context) {
			if (sections == null) {
				return true;
			}
			Set<String> seen = new HashSet<>();
			return sections.stream().filter(Objects::nonNull).map(NewSection::name).filter(Objects::nonNull)
				.allMatch(seen::add);
		}

	}

}
