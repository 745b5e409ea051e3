package dev.stagedoor.web;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole 400 body of each rule that moved from the controllers into Bean Validation
 * (issue 14 §5), one violation at a time: the same status, code, detail, {@code field} and
 * {@code errors} as the hand-written checks answered, and nothing changed. The two answers
 * that stayed in the controllers (no field to name) are pinned too.
 */
@IntegrationTest
class ValidationAnswersIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Test
	void scheduleRulesAnswerAsBefore() {
		long concert = Concerts.create(this.port, "validation answers");
		String future = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
		String past = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
		String section = "{\"name\":\"A\",\"rows\":1,\"seatsPerRow\":2,\"price\":100}";

		assertInvalid(createSchedule(concert, "{\"startsAt\":\"" + past + "\",\"sections\":[" + section + "]}"),
				"startsAt", "must be in the future");
		assertInvalid(createSchedule(concert, "{\"startsAt\":\"" + future + "\",\"sections\":["
				+ "{\"name\":\"A\",\"rows\":100,\"seatsPerRow\":100,\"price\":1},"
				+ "{\"name\":\"B\",\"rows\":101,\"seatsPerRow\":100,\"price\":1}]}"),
				"sections", "must have at most 20000 seats in all, not 20100");
		assertInvalid(createSchedule(concert, "{\"startsAt\":\"" + future + "\",\"sections\":[" + section + ","
				+ section + "]}"), "sections", "must have different names");
		String later = Instant.parse(future).plusSeconds(1).toString();
		assertInvalid(createSchedule(concert, "{\"startsAt\":\"" + future + "\",\"cancelDeadline\":\"" + later
				+ "\",\"sections\":[" + section + "]}"), "cancelDeadline", "must not be after startsAt");
		// a field error comes alone: the rules above wait for the fields
		assertInvalid(createSchedule(concert, "{\"startsAt\":\"" + past + "\",\"sections\":["
				+ "{\"name\":\"A\",\"rows\":0,\"seatsPerRow\":2,\"price\":100}," + section + "]}"),
				"sections[0].rows", "must be greater than or equal to 1");

		// a deadline equal to the start is fine
		createSchedule(concert, "{\"startsAt\":\"" + future + "\",\"cancelDeadline\":\"" + future
				+ "\",\"sections\":[" + section + "]}").expectStatus().isCreated();
		Api.user(this.port, "validation-reader").get().uri("/api/concerts/{id}/schedules", concert).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(1);
	}

	@Test
	void parameterRulesAnswerAsBefore() {
		WebTestClient fan = Api.user(this.port, "validation-param-fan");
		Fans fans = new Fans(this.port);
		assertThat(fans.charge("validation-param-fan", "first", 300).block().status()).isEqualTo(201);

		for (String status : List.of("GONE", "available", "")) {
			assertInvalid(fan.get().uri("/api/schedules/1/seats?status={s}", status).exchange(), "status",
					"must be one of AVAILABLE, HELD, SOLD");
		}
		for (int limit : new int[] { 0, -1, 501 }) {
			assertInvalid(fan.get().uri("/api/me/points/ledger?limit={l}", limit).exchange(), "limit",
					"must be between 1 and 500");
		}
		fan.get().uri("/api/me/points/ledger?limit=500").exchange().expectStatus().isOk();
		for (String key : new String[] { null, "", "k".repeat(256) }) {
			assertInvalid(fan.post().uri("/api/me/points/charges").headers(h -> {
				if (key != null) {
					h.set("Idempotency-Key", key);
				}
			}).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"amount\":100}").exchange(), "Idempotency-Key",
					"must be 1 to 255 characters (the header is required)");
		}
		assertThat(fans.balance("validation-param-fan").block()).isEqualTo(300);
		assertThat(fans.charge("validation-param-fan", "k".repeat(255), 1).block().status()).isEqualTo(201);
	}

	@Test
	void holdRulesAnswerAsBefore() {
		Drop drop = Drops.create(this.port, "validation holds", 1, 4);
		String token = Admissions.admit(this.room, drop.concertId(), "validation-holder");
		long seat = drop.seatIds().get(0);

		assertInvalid(hold(drop, token, "{\"seatIds\":[" + seat + "," + seat + "]}"), "seatIds",
				"must not repeat a seat");
		// the rules that name no field stay in the controller
		assertThat(problem(hold(drop, token, "{\"seatIds\":[]}"))).isEqualTo(expected(
				"seatIds or items must name something to hold.", null, null));
		assertThat(problem(hold(drop, token, "{\"items\":[{\"inventoryId\":1,\"quantity\":1},"
				+ "{\"inventoryId\":1,\"quantity\":2}]}"))).isEqualTo(expected(
						"items names an inventory twice; ask for its units in one item.", null, null));
		assertThat(Drops.statuses(this.port, drop.scheduleId()).values()).containsOnly("AVAILABLE");
	}

	private WebTestClient.ResponseSpec createSchedule(long concert, String body) {
		return Api.admin(this.port).post().uri("/api/admin/concerts/{id}/schedules", concert)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
	}

	private WebTestClient.ResponseSpec hold(Drop drop, String token, String body) {
		return Api.user(this.port, "validation-holder").post().uri("/api/schedules/{id}/reservations", drop.scheduleId())
			.header("Queue-Token", token).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
	}

	private static void assertInvalid(WebTestClient.ResponseSpec response, String field, String why) {
		assertThat(problem(response)).isEqualTo(expected(field + " " + why + ".", field, field + ": " + why));
	}

	private static Map<String, Object> expected(String detail, String field, String error) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "https://stagedoor.dev/problems/validation-failed");
		body.put("title", "Bad Request");
		body.put("status", 400);
		body.put("detail", detail);
		body.put("code", "validation-failed");
		if (field != null) {
			body.put("field", field);
			body.put("errors", List.of(error));
		}
		return body;
	}

	private static Map<String, Object> problem(WebTestClient.ResponseSpec response) {
		Map<String, Object> body = response.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult().getResponseBody();
		Map<String, Object> withoutInstance = new LinkedHashMap<>(body);
		withoutInstance.remove("instance");
		return withoutInstance;
	}

}
