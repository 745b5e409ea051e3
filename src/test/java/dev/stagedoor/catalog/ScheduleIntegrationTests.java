package dev.stagedoor.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import dev.stagedoor.queue.Admissions;
import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.reservation.HoldingClient;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.Endpoint;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.client.StagedoorClient.Section;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class ScheduleIntegrationTests {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

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

	StagedoorClient client() {
		return StagedoorClient.on(this.port);
	}

	static String fan() {
		return TestTokens.user("fan");
	}

	static String admin() {
		return TestTokens.admin("admin");
	}

	@Test
	void adminCreatesScheduleWithLabelledSeatsOnSaleAtOnce() {
		long concert = Concerts.create(this.port, "schedules");
		ApiReply created = client()
			.createSchedule(admin(), concert, "2099-05-01T18:00:00Z", "2099-04-30T18:00:00Z",
					List.of(new Section("VIP", 2, 3, 500), new Section("B", 1, 4, 120)))
			.block(TIMEOUT)
			.expect(201);
		assertThat(created.body().get("id")).isInstanceOf(Number.class);
		assertThat(created.number("concertId")).isEqualTo(concert);
		assertThat(created.body()).containsEntry("startsAt", "2099-05-01T18:00:00Z")
			.containsEntry("cancelDeadline", "2099-04-30T18:00:00Z");
		assertThat(created.number("seatCount")).isEqualTo(10);

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

		assertThat(seatMap(drop.scheduleId(), "AVAILABLE")).extracting(seat -> ((Number) seat.get("id")).longValue())
			.containsExactly(drop.seatIds().get(0), drop.seatIds().get(2), drop.seatIds().get(3));
		assertThat(seatMap(drop.scheduleId(), "HELD")).singleElement()
			.satisfies(seat -> assertThat(seat).containsEntry("id", (int) held).containsEntry("status", "HELD")
				.containsEntry("label", "A-1-2").containsEntry("price", 100));
		assertThat(seatMap(drop.scheduleId(), "SOLD")).isEmpty();
		assertThat(seatMap(drop.scheduleId(), null)).hasSize(4);

		String all = etag(drop.scheduleId(), null);
		String available = etag(drop.scheduleId(), "AVAILABLE");
		assertThat(all).isNotEqualTo(available);
		ApiReply notModified = client().seats(fan(), drop.scheduleId(), null, all).block(TIMEOUT).expect(304);
		assertThat(notModified.headers().get(HttpHeaders.ETAG)).containsExactly(all);
		assertThat(notModified.raw()).isEmpty();
		client().seats(fan(), drop.scheduleId(), "AVAILABLE", "\"other\", " + available).block(TIMEOUT).expect(304);
		client().seats(fan(), drop.scheduleId(), null, "W/" + all).block(TIMEOUT).expect(304);
		// another map's tag is not this one's
		client().seats(fan(), drop.scheduleId(), "AVAILABLE", all).block(TIMEOUT).expect(200);

		// once a seat changes, the old tag no longer matches and the new map comes back
		new HoldingClient(this.port).hold(drop.scheduleId(), "filter-fan", token, List.of(drop.seatIds().get(3)));
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(3), "HELD");
		assertThat(client().seats(fan(), drop.scheduleId(), null, all).block(TIMEOUT).expect(200).headers().getETag())
			.isNotEqualTo(all);

		for (String bad : List.of("available", "GONE", "")) {
			ApiReply refused = client().seats(fan(), drop.scheduleId(), bad, null).block(TIMEOUT).expect(400);
			assertThat(refused.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(refused.code()).isEqualTo("validation-failed");
		}
	}

	/** The seat map, every seat ({@code status} null) or only those in {@code status}. */
	private List<Map<String, Object>> seatMap(long schedule, String status) {
		ApiReply reply = client().seats(fan(), schedule, status, null).block(TIMEOUT).expect(200);
		assertThat(reply.headers().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(reply.headers().getCacheControl()).isEqualTo(CacheControl.noCache().getHeaderValue());
		return reply.objects();
	}

	private String etag(long schedule, String status) {
		String etag = client().seats(fan(), schedule, status, null).block(TIMEOUT).expect(200).headers().getETag();
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
			ApiReply refused = client().send(Endpoint.SCHEDULE_CREATE, admin(), null, body, concert)
				.block(TIMEOUT)
				.expect(400);
			assertThat(refused.code()).isEqualTo("validation-failed");
		}
		assertThat(schedules(concert)).isEmpty();
		assertThat(client()
			.createSchedule(admin(), 999999999L, "2099-05-01T18:00:00Z", null, List.of(new Section("A", 1, 1, 1)))
			.block(TIMEOUT)
			.expect(404)
			.code()).isEqualTo("concert-not-found");
		assertThat(client().seats(fan(), 999999999L).block(TIMEOUT).expect(404).code()).isEqualTo("schedule-not-found");
		assertThat(this.seatMap.holds(999999999L)).as("no snapshot kept for an unknown schedule").isFalse();
		client().send(Endpoint.SCHEDULE_CREATE, fan(), null, "{}", concert).block(TIMEOUT).expect(403);
	}

	private List<Map<String, Object>> schedules(long concert) {
		return client().schedules(fan(), concert).block(TIMEOUT).expect(200).objects();
	}

}
