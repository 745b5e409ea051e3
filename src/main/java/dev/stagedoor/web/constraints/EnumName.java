package dev.stagedoor.web.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.stream.Collectors;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * A string that is exactly the name of one of the enum's constants (case matters; the empty
 * string is not a name); {@code null} is valid. The message lists the names: {@code must be
 * one of AVAILABLE, HELD, SOLD}.
 */
@Documented
@Constraint(validatedBy = EnumName.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface EnumName {

	Class<? extends Enum<?>> value();

	/** Empty: the message names the constants. */
	String message() default "";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	final class Validator implements ConstraintValidator<EnumName, CharSequence> {

		private String[] names = new String[0];

		/** The message naming the constants, or null when the annotation gives its own. */
		private String listing;

		@Override
		public void initialize(EnumName annotation) {
			this.names = Arrays.stream(annotation.value().getEnumConstants()).map(Enum::name).toArray(String[]::new);
			this.listing = annotation.message().isEmpty()
					? "must be one of " + Arrays.stream(this.names).collect(Collectors.joining(", ")) : null;
		}

		@Override
		public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
			if (value == null || Arrays.asList(this.names).contains(value.toString())) {
				return true;
			}
			if (this.listing != null) {
				context.disableDefaultConstraintViolation();
				context.buildConstraintViolationWithTemplate(escape(this.listing)).addConstraintViolation();
			}
			return false;
		}

		/** Constant names are Java identifiers, but a {@code $} would start an expression. */
		private static String escape(String text) {
			return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
		}

	}

}
