package dev.stagedoor.web.constraints;

import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EnumNameTests {

	enum Light {

		RED, AMBER, GREEN

	}

	record Filter(@EnumName(Light.class) String light) {
	}

	record OwnMessage(@EnumName(value = Light.class, message = "is no light") String light) {
	}

	static final Validator VALIDATOR = SpringValidators.create();

	@Test
	void theExactNameOfAConstantOrNothingIsValid() {
		for (String light : new String[] { "RED", "AMBER", "GREEN", null }) {
			assertThat(VALIDATOR.validate(new Filter(light))).as(light).isEmpty();
		}
	}

	@Test
	void anythingElseIsRefusedWithTheNamesListedInOrder() {
		for (String light : new String[] { "red", "Green", "", " RED", "BLUE", "RED,GREEN", "{x}", "${1+1}" }) {
			assertThat(VALIDATOR.validate(new Filter(light))).as(light).singleElement().satisfies(v -> {
				assertThat(v.getPropertyPath()).hasToString("light");
				assertThat(v.getMessage()).isEqualTo("must be one of RED, AMBER, GREEN");
			});
		}
	}

	@Test
	void aMessageOfItsOwnIsKept() {
		assertThat(VALIDATOR.validate(new OwnMessage("BLUE"))).singleElement()
			.satisfies(v -> assertThat(v.getMessage()).isEqualTo("is no light"));
	}

}
