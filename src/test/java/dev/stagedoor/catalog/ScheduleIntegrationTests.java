package dev.stagedoor.catalog;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import dev.stagedoor.queue.Admissions;
import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.reservation.HoldingClient;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class ScheduleIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SeatCatalog catalog;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	WaitingRoom room;

	@Autowired
	SeatMap seatMap;

	@Test
	void adminCreatesScheduleWithLabelledSeatsOnSaleAtOnce() {
		long concert = Concerts.create(this.port, "schedules");
		Api.admin(this.port)
			.post()
			.uri("/api/admin/concerts/{id}/schedules", concert)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("""
					{"startsAt":"2099-05-01T18:00:00Z","cancelDeadline":"2099-04-30T18:00:00Z",
					 "sections":[{"name":"VIP","rows":2,"seatsPerRow":3,"price":500},
					             {"name":"B","rows":1,"seatsPerRow":4,"price":120}]}
					""")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.id").isNumber()
			.jsonPath("$.concertId").isEqualTo(concert)
			.jsonPath("$.startsAt").isEqualTo("2099-05-01T18:00:00Z")
			.jsonPath("$.cancelDeadline").isEqualTo("2099-04-30T18:00:00Z")
			.jsonPath("$.seatCount").isEqualTo(10);

		List<Map<String, Object>> schedules = schedules(concert);
		assertThat(schedules).hasSize(1);
		assertThat(schedules.get(0)).containsEntry("seatCount", 10).containsEntry("available", 10);
		long schedule = ((Number) schedules.get(0).get("id")).longValue();
		List<Map<String, Object>> seats = Drops.seats(this.port, schedule);
		assertThat(seats).hasSize(10).allSatisfy(seat -> assertThat(seat).containsEntry("status", "AVAILABLE"));
		assertThat(seats).extracting(seat -> seat.get("label"))
			.containsExactly("VIP-1-1", "VIP-1-2", "VIP-1-3", "VIP-2-1", "VIP-2-2", "VIP-2-3", "B-1-1", "B-1-2", "B-1-3",
					"B-1-4");
		assertThat(seats.get(0)).containsEntry("section", "VIP").containsEntry("row", 1).containsEntry("number", 1)
			.containsEntry("price", 500);
	}

	@Test
	void seatMapFiltersByStatusAndAnswersNotModifiedUntilItChanges() {
		Drops.Drop drop = Drops.create(this.port, "seat map filter", 1, 4);
		long held = drop.seatIds().get(1);
		String token = Admissions.admit(this.room, drop.concertId(), "filter-fan");
		new HoldingClient(this.port).hold(drop.scheduleId(), "filter-fan", token, List.of(held));
		Drops.awaitSeat(this.port, drop.scheduleId(), held, "HELD");

		assertThat(seatMap(drop.scheduleId(), "?status=AVAILABLE")).extracting(seat -> ((Number) seat.get("id")).longValue())
			.containsExactly(drop.seatIds().get(0), drop.seatIds().get(2), drop.seatIds().get(3));
		assertThat(seatMap(drop.scheduleId(), "?status=HELD")).singleElement()
			.satisfies(seat -> assertThat(seat).containsEntry("id", (int) held).containsEntry("status", "HELD")
				.containsEntry("label", "A-1-2").containsEntry("price", 100));
		assertThat(seatMap(drop.scheduleId(), "?status=SOLD")).isEmpty();
		assertThat(seatMap(drop.scheduleId(), "")).hasSize(4);

		String all = etag(drop.scheduleId(), "");
		String available = etag(drop.scheduleId(), "?status=AVAILABLE");
		assertThat(all).isNotEqualTo(available);
		Api.user(this.port, "fan").get().uri("/api/schedules/{id}/seats", drop.scheduleId())
			.header(HttpHeaders.IF_NONE_MATCH, all).exchange()
			.expectStatus().isNotModified()
			.expectHeader().valueEquals(HttpHeaders.ETAG, all)
			.expectBody().isEmpty();
		Api.user(this.port, "fan").get().uri("/api/schedules/{id}/seats?status=AVAILABLE", drop.scheduleId())
			.header(HttpHeaders.IF_NONE_MATCH, "\"other\", " + available).exchange()
			.expectStatus().isNotModified();
		Api.user(this.port, "fan").get().uri("/api/schedules/{id}/seats", drop.scheduleId())
			.header(HttpHeaders.IF_NONE_MATCH, "W/" + all).exchange()
			.expectStatus().isNotModified();
		// another map's tag is not this one's
		Api.user(this.port, "fan").get().uri("/api/schedules/{id}/seats?status=AVAILABLE", drop.scheduleId())
			.header(HttpHeaders.IF_NONE_MATCH, all).exchange()
			.expectStatus().isOk();

		// once a seat changes, the old tag no longer matches and the new map comes back
		new HoldingClient(this.port).hold(drop.scheduleId(), "filter-fan", token, List.of(drop.seatIds().get(3)));
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(3), "HELD");
		assertThat(Api.user(this.port, "fan").get().uri("/api/schedules/{id}/seats", drop.scheduleId())
			.header(HttpHeaders.IF_NONE_MATCH, all).exchange()
			.expectStatus().isOk()
			.returnResult(String.class).getResponseHeaders().getETag()).isNotEqualTo(all);

		for (String bad : List.of("available", "GONE", "")) {
			Api.user(this.port, "fan").get().uri("/api/schedules/{id}/seats?status={s}", drop.scheduleId(), bad).exchange()
				.expectStatus().isBadRequest()
				.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody().jsonPath("$.code").isEqualTo("validation-failed");
		}
	}

	private List<Map<String, Object>> seatMap(long schedule, String query) {
		return Api.user(this.port, "fan").get().uri("/api/schedules/" + schedule + "/seats" + query).exchange()
			.expectStatus().isOk()
			.expectHeader().contentType(MediaType.APPLICATION_JSON)
			.expectHeader().cacheControl(org.springframework.http.CacheControl.noCache())
			.expectBody(new org.springframework.core.ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	private String etag(long schedule, String query) {
		String etag = Api.user(this.port, "fan").get().uri("/api/schedules/" + schedule + "/seats" + query).exchange()
			.expectStatus().isOk()
			.returnResult(String.class).getResponseHeaders().getETag();
		assertThat(etag).startsWith("\"").endsWith("\"");
		return etag;
	}

	@Test
	void republishingIsIdempotent() {
		long concert = Concerts.create(this.port, "republish");
		long schedule = Drops.schedule(this.port, concert, 2, 2, null);
		Schedule loaded = this.catalog.schedule(schedule).block();
		Map<Object, Object> before = this.redis.opsForHash().entries(this.catalog.keys(schedule).seats())
			.collectMap(Map.Entry::getKey, Map.Entry::getValue).block();

		this.catalog.publish(loaded).block();
		this.catalog.publish(loaded).block();

		Map<Object, Object> after = this.redis.opsForHash().entries(this.catalog.keys(schedule).seats())
			.collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
		assertThat(after).isEqualTo(before).hasSize(4);
	}

	@Test
	void invalidSchedulesAreRejectedAndCreateNothing() {
		long concert = Concerts.create(this.port, "invalid schedules");
		for (String body : List.of("{}", "{\"startsAt\":\"soon\",\"sections\":[]}",
				"{\"startsAt\":\"2099-05-01T18:00:00Z\",\"sections\":[]}",
				"{\"startsAt\":\"2099-05-01T18:00:00Z\",\"sections\":[{\"name\":\"A\",\"rows\":0,\"seatsPerRow\":1,\"price\":1}]}",
				"{\"startsAt\":\"2099-05-01T18:00:00Z\",\"sections\":[{\"name\":\"A B\",\"rows\":1,\"seatsPerRow\":1,\"price\":1}]}",
				"{\"startsAt\":\"2099-05-01T18:00:00Z\",\"sections\":[{\"name\":\"A\",\"rows\":1,\"seatsPerRow\":1,\"price\":-1}]}",
				"{\"startsAt\":\"2099-05-01T18:00:00Z\",\"sections\":[{\"name\":\"A\",\"rows\":1000,\"seatsPerRow\":1000,\"price\":1}]}",
				"{\"startsAt\":\"2099-05-01T18:00:00Z\",\"sections\":[{\"name\":\"A\",\"rows\":1,\"seatsPerRow\":1,\"price\":1},{\"name\":\"A\",\"rows\":1,\"seatsPerRow\":1,\"price\":1}]}",
				"{\"startsAt\":\"2099-05-01T18:00:00Z\",\"cancelDeadline\":\"2099-05-02T18:00:00Z\",\"sections\":[{\"name\":\"A\",\"rows\":1,\"seatsPerRow\":1,\"price\":1}]}")) {
			Api.admin(this.port).post().uri("/api/admin/concerts/{id}/schedules", concert)
				.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
				.expectStatus().isBadRequest()
				.expectBody().jsonPath("$.code").isEqualTo("validation-failed");
		}
		assertThat(schedules(concert)).isEmpty();
		Api.admin(this.port).post().uri("/api/admin/concerts/999999999/schedules")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"startsAt\":\"2099-05-01T18:00:00Z\",\"sections\":[{\"name\":\"A\",\"rows\":1,\"seatsPerRow\":1,\"price\":1}]}")
			.exchange().expectStatus().isNotFound()
			.expectBody().jsonPath("$.code").isEqualTo("concert-not-found");
		Api.user(this.port, "fan").get().uri("/api/schedules/999999999/seats").exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.code").isEqualTo("schedule-not-found");
		assertThat(this.seatMap.holds(999999999L)).as("no snapshot kept for an unknown schedule").isFalse();
		Api.user(this.port, "fan").post().uri("/api/admin/concerts/{id}/schedules", concert)
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
			.expectStatus().isForbidden();
	}

	private List<Map<String, Object>> schedules(long concert) {
		return Api.user(this.port, "fan")
			.get()
			.uri("/api/concerts/{id}/schedules", concert)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new org.springframework.core.ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
	}

}
