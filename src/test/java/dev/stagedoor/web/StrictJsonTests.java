package dev.stagedoor.web;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The application's JSON reading: integers only for integer fields, and where an error is. */
class StrictJsonTests {

	private final JsonMapper json = StrictJson.strictIntegers(JsonMapper.builder()).build();

	record Charge(Long amount) {
	}

	record Hold(List<Long> seatIds) {
	}

	record Section(String name, Integer rows) {
	}

	record Schedule(List<Section> sections) {
	}

	@Test
	void integersAreRead() {
		assertThat(this.json.readValue("{\"amount\":100}", Charge.class).amount()).isEqualTo(100L);
		assertThat(this.json.readValue("{\"seatIds\":[1,2]}", Hold.class).seatIds()).containsExactly(1L, 2L);
		assertThat(this.json.readValue("{\"amount\":null}", Charge.class).amount()).isNull();
	}

	@Test
	void fractionsStringsBooleansAndOutOfRangeNumbersAreErrorsAtTheirField() {
		assertRefusedAt("{\"amount\":1.5}", Charge.class, "amount");
		assertRefusedAt("{\"amount\":1.0}", Charge.class, "amount");
		assertRefusedAt("{\"amount\":1e2}", Charge.class, "amount");
		assertRefusedAt("{\"amount\":\"100\"}", Charge.class, "amount");
		assertRefusedAt("{\"amount\":\"\"}", Charge.class, "amount");
		assertRefusedAt("{\"amount\":true}", Charge.class, "amount");
		assertRefusedAt("{\"amount\":99999999999999999999}", Charge.class, "amount");
		assertRefusedAt("{\"seatIds\":[1,1.5]}", Hold.class, "seatIds[1]");
		assertRefusedAt("{\"seatIds\":[\"2\"]}", Hold.class, "seatIds[0]");
		assertRefusedAt("{\"sections\":[{\"name\":\"A\",\"rows\":3000000000}]}", Schedule.class, "sections[0].rows");
		assertRefusedAt("{\"sections\":[{\"name\":\"A\",\"rows\":2.5}]}", Schedule.class, "sections[0].rows");
	}

	private void assertRefusedAt(String body, Class<?> type, String field) {
		assertThatExceptionOfType(JacksonException.class).as(body)
			.isThrownBy(() -> this.json.readValue(body, type))
			.satisfies(ex -> assertThat(InputErrors.path(ex.getPath())).isEqualTo(field));
	}

}
