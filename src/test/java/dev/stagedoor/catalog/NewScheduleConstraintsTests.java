package dev.stagedoor.catalog;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import dev.stagedoor.catalog.ScheduleController.NewSchedule;
import dev.stagedoor.catalog.ScheduleController.NewSection;
import dev.stagedoor.web.constraints.Consistency;
import dev.stagedoor.web.constraints.SpringValidators;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of a new schedule beyond its fields, checked with the application's kind of
 * validator (Spring's, so {@code @InTheFuture} reads the {@link Clock} bean) on a fixed clock.
 */
class NewScheduleConstraintsTests {

	static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

	static final Instant START = NOW.plusSeconds(3600);

	final Validator validator = SpringValidators.withClock(Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void aScheduleWithinTheRulesIsValid() {
		assertThat(violations(new NewSchedule(START, null, List.of(section("A", 100, 100), section("B", 100, 100)))))
			.isEmpty();
		assertThat(violations(new NewSchedule(START, START, List.of(section("A", 1, 1))))).isEmpty();
		assertThat(violations(new NewSchedule(START, NOW.minusSeconds(60), List.of(section("A", 1, 1))))).isEmpty();
	}

	@Test
	void theStartMustLieAheadOfTheClock() {
		for (Instant startsAt : new Instant[] { NOW, NOW.minusMillis(1) }) {
			assertThat(violations(new NewSchedule(startsAt, null, List.of(section("A", 1, 1)))))
				.containsExactly("startsAt: must be in the future");
		}
		assertThat(violations(new NewSchedule(NOW.plusMillis(1), null, List.of(section("A", 1, 1))))).isEmpty();
	}

	@Test
	void atMostTwentyThousandSeatsInAll() {
		assertThat(violations(new NewSchedule(START, null, List.of(section("A", 1000, 20)))))
			.as("exactly the limit").isEmpty();
		assertThat(violations(new NewSchedule(START, null, List.of(section("A", 100, 100), section("B", 101, 100)))))
			.containsExactly("sections: must have at most 20000 seats in all, not 20100");
		assertThat(violations(new NewSchedule(START, null, List.of(section("A", 1000, 1000)))))
			.containsExactly("sections: must have at most 20000 seats in all, not 1000000");
	}

	@Test
	void sectionNamesDiffer() {
		assertThat(violations(new NewSchedule(START, null, List.of(section("A", 1, 1), section("B", 1, 1),
				section("A", 1, 1))))).containsExactly("sections: must have different names");
		assertThat(violations(new NewSchedule(START, null, List.of(section("A", 1, 1), section("a", 1, 1))))).isEmpty();
	}

	@Test
	void theCancelDeadlineIsNotAfterTheStartAndNamesItself() {
		assertThat(violations(new NewSchedule(START, START.plusMillis(1), List.of(section("A", 1, 1)))))
			.containsExactly("cancelDeadline: must not be after startsAt");
	}

	@Test
	void rulesAcrossFieldsWaitForTheFieldsAndThenAreAllListed() {
		// a field error: the rules (past start, repeated name, deadline after start) are not looked at
		List<String> fieldsFirst = violations(new NewSchedule(NOW.minusSeconds(1), NOW, List.of(section("A", 0, 1),
				section("A", 1, 1))));
		assertThat(fieldsFirst).containsExactly("sections[0].rows: must be greater than or equal to 1");
		assertThat(violations(new NewSchedule(null, null, List.of(section("A", 1, 1)))))
			.containsExactly("startsAt: must not be null");
		assertThat(violations(new NewSchedule(START, null, Arrays.asList(section("A", 1, 1), null))))
			.containsExactly("sections[1].<list element>: must not be null");
		// the fields valid, every broken rule is reported
		assertThat(violations(new NewSchedule(NOW, NOW.plusSeconds(1), List.of(section("A", 1, 1),
				section("A", 1000, 1000))))).containsExactly("cancelDeadline: must not be after startsAt",
						"sections: must have at most 20000 seats in all, not 1000001",
						"sections: must have different names", "startsAt: must be in the future");
	}

	private List<String> violations(NewSchedule schedule) {
		List<String> found = new ArrayList<>();
		for (ConstraintViolation<NewSchedule> v : this.validator.validate(schedule, Consistency.FieldsFirst.class)) {
			found.add(v.getPropertyPath() + ": " + v.getMessage());
		}
		found.sort(null);
		return found;
	}

	private static NewSection section(String name, int rows, int seatsPerRow) {
		return new NewSection(name, rows, seatsPerRow, 100L);
	}

}
