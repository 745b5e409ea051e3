package dev.stagedoor.web.constraints;

import java.time.Clock;

import jakarta.validation.Validator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

/** Validators built as the application builds its own, for the constraint tests. */
public final class SpringValidators {

	private SpringValidators() {
	}

	/** {@link #withClock} on the system clock, for constraints that need no particular time. */
	public static Validator create() {
		return withClock(Clock.systemUTC());
	}

	/**
	 * Spring's validator factory over a context holding only {@code clock}: constraint
	 * validators are created with the context's beans, as in the application.
	 */
	public static Validator withClock(Clock clock) {
		GenericApplicationContext context = new GenericApplicationContext();
		context.registerBean(Clock.class, () -> clock);
		context.refresh();
		LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
		validator.setApplicationContext(context);
		validator.afterPropertiesSet();
		return validator;
	}

}
