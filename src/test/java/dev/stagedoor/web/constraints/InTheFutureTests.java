package dev.stagedoor.web.constraints;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.ValidationException;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InTheFutureTests {

	static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

	record Show(@InTheFuture Instant startsAt) {
	}

	@Test
	void anInstantAfterTheApplicationClockIsInTheFutureAndNowIsNot() {
		Validator validator = SpringValidators.withClock(Clock.fixed(NOW, ZoneOffset.UTC));

		assertThat(validator.validate(new Show(NOW.plusMillis(1)))).isEmpty();
		assertThat(validator.validate(new Show(null))).isEmpty();
		for (Instant notLater : new Instant[] { NOW, NOW.minusMillis(1), Instant.parse("2020-01-01T00:00:00Z") }) {
			Set<ConstraintViolation<Show>> violations = validator.validate(new Show(notLater));
			assertThat(violations).singleElement().satisfies(v -> {
				assertThat(v.getPropertyPath()).hasToString("startsAt");
				assertThat(v.getMessage()).isEqualTo("must be in the future");
			});
		}
	}

	@Test
	void theRuleMovesWithTheClockNotWithTheSystemTime() {
		Instant longAgo = Instant.parse("2001-01-01T00:00:00Z");
		assertThat(SpringValidators.withClock(Clock.fixed(longAgo.minusSeconds(1), ZoneOffset.UTC)).validate(new Show(longAgo)))
			.isEmpty();
		assertThat(SpringValidators.withClock(Clock.fixed(longAgo, ZoneOffset.UTC)).validate(new Show(longAgo))).hasSize(1);
	}

	@Test
	void aValidatorFactoryWithoutTheClockFailsRatherThanUseTheSystemClock() {
		try (ValidatorFactory plain = Validation.buildDefaultValidatorFactory()) {
			assertThatThrownBy(() -> plain.getValidator().validate(new Show(NOW))).isInstanceOf(ValidationException.class);
		}
	}

}
