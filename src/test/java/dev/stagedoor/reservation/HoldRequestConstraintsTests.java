package dev.stagedoor.reservation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import dev.stagedoor.reservation.ReservationController.HoldRequest;
import dev.stagedoor.web.constraints.Consistency;
import dev.stagedoor.web.constraints.SpringValidators;

import static org.assertj.core.api.Assertions.assertThat;

class HoldRequestConstraintsTests {

	static final Validator VALIDATOR = SpringValidators.create();

	@Test
	void aRepeatedSeatIsRefusedNamingSeatIds() {
		assertThat(violations(new HoldRequest(List.of(1L, 2L, 1L), null))).containsExactly("seatIds: must not repeat a seat");
		assertThat(violations(new HoldRequest(List.of(1L, 2L, 3L), null))).isEmpty();
		assertThat(violations(new HoldRequest(null, null))).isEmpty();
	}

	@Test
	void repeatsAreLookedForOnlyOnceTheIdsAreValid() {
		assertThat(violations(new HoldRequest(Arrays.asList(null, null), null)))
			.containsExactly("seatIds[0].<list element>: must not be null", "seatIds[1].<list element>: must not be null");
		assertThat(violations(new HoldRequest(List.of(-1L, -1L), null)))
			.containsExactly("seatIds[0].<list element>: must be greater than 0",
					"seatIds[1].<list element>: must be greater than 0");
		List<Long> tooMany = new ArrayList<>(LongStream.rangeClosed(1, 100).boxed().toList());
		tooMany.add(1L);
		assertThat(violations(new HoldRequest(tooMany, null))).containsExactly("seatIds: size must be between 0 and 100");
	}

	private static List<String> violations(HoldRequest request) {
		List<String> found = new ArrayList<>();
		for (ConstraintViolation<HoldRequest> v : VALIDATOR.validate(request, Consistency.FieldsFirst.class)) {
			found.add(v.getPropertyPath() + ": " + v.getMessage());
		}
		found.sort(null);
		return found;
	}

}
