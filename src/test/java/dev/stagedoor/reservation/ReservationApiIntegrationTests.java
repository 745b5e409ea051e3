package dev.stagedoor.reservation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.QueueTokens;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.Holding.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class ReservationApiIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	org.springframework.r2dbc.core.DatabaseClient db;

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	Holding holding;

	StagedoorClient client;

	@BeforeEach
	void client() {
		this.holding = new Holding(this.port);
		this.client = StagedoorClient.on(this.port);
	}

	@Test
	void holdWithoutAValidQueueTokenIsNotAdmitted() {
		Drop drop = Drops.create(this.port, "tokens", 1, 4);
		Drop other = Drops.create(this.port, "other concert", 1, 4);
		String otherConcertToken = Admissions.admit(this.room, other.concertId(), "fan");
		List<Long> seat = List.of(drop.seatIds().get(0));

		List<String> refused = List.of("", "forged.token.value",
				QueueTokens.sign("fan", drop.concertId(), Instant.now().minusSeconds(5)),
				QueueTokens.sign("someone-else", drop.concertId(), Instant.now().plusSeconds(600)),
				otherConcertToken,
				// well signed and unexpired, but the fan was never admitted to this concert
				QueueTokens.sign("fan", drop.concertId(), Instant.now().plusSeconds(600)));
		assertThat(this.holding.hold(drop.scheduleId(), "fan", null, seat).block().code()).isEqualTo("not-admitted");
		for (String token : refused) {
			Reply reply = this.holding.hold(drop.scheduleId(), "fan", token, seat).block();
			assertThat(reply.status()).as(token).isEqualTo(403);
			assertThat(reply.code()).isEqualTo("not-admitted");
		}
		assertThat(Drops.statuses(this.port, drop.scheduleId()).values()).containsOnly("AVAILABLE");
	}

	@Test
	void badHoldRequestsAreRejectedAndHoldNothing() {
		Drop drop = Drops.create(this.port, "bad input", 1, 4);
		Drop other = Drops.create(this.port, "bad input other", 1, 4);
		String token = Admissions.admit(this.room, drop.concertId(), "fan");
		long seat = drop.seatIds().get(0);

		List<Object> invalidBodies = List.of(Map.of("seatIds", List.of()), Map.of("seatIds", List.of(seat, seat)),
				Map.of("seatIds", java.util.stream.LongStream.rangeClosed(1, 101).boxed().toList()),
				Map.of("seatIds", List.of(-1)), Map.of("seatIds", "1"), Map.of(), "{\"seatIds\":[", "[1,2]");
		for (Object body : invalidBodies) {
			Reply reply = this.holding.holdRaw(drop.scheduleId(), "fan", token, body).block();
			assertThat(reply.status()).as("%s", body).isEqualTo(400);
			assertThat(reply.code()).isEqualTo("validation-failed");
		}
		Reply foreign = this.holding.hold(drop.scheduleId(), "fan", token, List.of(seat, other.seatIds().get(0))).block();
		assertThat(foreign.status()).isEqualTo(404);
		assertThat(foreign.code()).isEqualTo("seat-not-found");
		assertThat(foreign.seatIds()).containsExactly(other.seatIds().get(0));
		Reply unknownSchedule = this.holding.hold(999_999_999L, "fan", token, List.of(seat)).block();
		assertThat(unknownSchedule.status()).isEqualTo(404);
		assertThat(unknownSchedule.code()).isEqualTo("schedule-not-found");

		assertThat(Drops.statuses(this.port, drop.scheduleId()).values()).containsOnly("AVAILABLE");
	}

	@Test
	void ownerAndAdminSeeTheReservationOthersDoNot() {
		Drop drop = Drops.create(this.port, "visibility", 1, 4);
		String token = Admissions.admit(this.room, drop.concertId(), "owner");
		Reply held = this.holding.hold(drop.scheduleId(), "owner", token, drop.seatIds().subList(0, 2)).block();
		assertThat(held.status()).isEqualTo(201);
		String id = (String) held.body().get("id");
		assertThat(held.body()).containsEntry("state", "HELD")
			.containsEntry("userId", "owner")
			.containsEntry("amount", 200)
			.containsEntry("version", 1)
			.containsEntry("scheduleId", (int) drop.scheduleId())
			.containsKey("heldUntil");

		ApiReply own = this.client.reservation(TestTokens.user("owner"), id).block(TIMEOUT).expect(200);
		assertThat(own.state()).isEqualTo("HELD");
		assertThat(own.body().get("history")).isNull();
		this.client.reservation(TestTokens.admin("admin"), id).block(TIMEOUT).expect(200);
		for (String path : List.of(id, drop.scheduleId() + "-0000000000000000", "nonsense", "1-")) {
			assertThat(this.client.reservation(TestTokens.user("stranger"), path).block(TIMEOUT).expect(404).code())
				.isEqualTo("reservation-not-found");
		}
	}

	@Test
	void cancellingAHoldReleasesTheSeatsOnceAndTheStreamShowsIt() {
		Drop drop = Drops.create(this.port, "release", 1, 4);
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), List.of("owner", "next"));
		List<Long> seats = drop.seatIds().subList(0, 2);
		String id = (String) this.holding.hold(drop.scheduleId(), "owner", tokens.get("owner"), seats).block().body().get("id");

		this.client.cancel(TestTokens.user("stranger"), id).block(TIMEOUT).expect(404);
		for (int i = 0; i < 2; i++) {
			ApiReply cancelled = this.client.cancel(TestTokens.user("owner"), id).block(TIMEOUT).expect(200);
			assertThat(cancelled.state()).isEqualTo("CANCELLED");
			assertThat(cancelled.number("version")).isEqualTo(2);
		}
		assertThat(this.holding.hold(drop.scheduleId(), "next", tokens.get("next"), seats).block().status()).isEqualTo(201);

		stream(id, "owner", null).as(StepVerifier::create)
			.assertNext(event -> {
				assertThat(event.id()).isEqualTo("1");
				assertThat(event.data()).containsEntry("state", "HELD");
			})
			.assertNext(event -> {
				assertThat(event.id()).isEqualTo("2");
				assertThat(event.data()).containsEntry("state", "CANCELLED");
			})
			.verifyComplete();
		stream(id, "owner", "1").as(StepVerifier::create)
			.assertNext(event -> assertThat(event.data()).containsEntry("state", "CANCELLED"))
			.verifyComplete();
	}

	@Test
	void aStreamResumedAtTheCurrentVersionAnswersAtOnceAndOneAtAFinalStateEnds() {
		Drop drop = Drops.create(this.port, "resume", 1, 2);
		String token = Admissions.admit(this.room, drop.concertId(), "resumer");
		String id = (String) this.holding.hold(drop.scheduleId(), "resumer", token, drop.seatIds().subList(0, 1))
			.block()
			.body()
			.get("id");

		// HELD at version 1, resumed after 1: nothing to send, but the response starts now
		// (not with the first heartbeat, 15 s later)
		ResponseEntity<Flux<ServerSentEvent<String>>> resumed = WebClient.create("http://localhost:" + this.port)
			.get()
			.uri("/api/reservations/{id}/stream", id)
			.headers(h -> {
				h.setBearerAuth(TestTokens.user("resumer"));
				h.set("Last-Event-ID", "1");
			})
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.toEntityFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.block(Duration.ofSeconds(5));
		assertThat(resumed.getStatusCode().value()).isEqualTo(200);
		assertThat(resumed.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_EVENT_STREAM)).isTrue();
		resumed.getBody().take(1).as(StepVerifier::create)
			.assertNext(event -> {
				assertThat(event.comment()).isEqualTo("up to date");
				assertThat(event.data()).isNull();
			})
			.verifyComplete();

		// the resumed stream still follows: the next transition comes, then the end
		stream(id, "resumer", "1").as(StepVerifier::create)
			.then(() -> this.client.cancel(TestTokens.user("resumer"), id).block(TIMEOUT).expect(200))
			.assertNext(event -> {
				assertThat(event.id()).isEqualTo("2");
				assertThat(event.data()).containsEntry("state", "CANCELLED");
			})
			.expectComplete()
			.verify(Duration.ofSeconds(20));
		// resumed after the final transition: nothing will ever come, it ends at once
		stream(id, "resumer", "2").as(StepVerifier::create).expectComplete().verify(Duration.ofSeconds(5));
	}

	@Test
	void fiftyConcurrentCancelsOfAHoldReleaseItExactlyOnce() {
		Drop drop = Drops.create(this.port, "cancel race", 1, 4);
		String token = Admissions.admit(this.room, drop.concertId(), "racer");
		String id = (String) this.holding.hold(drop.scheduleId(), "racer", token, drop.seatIds().subList(0, 2)).block()
			.body().get("id");
		String racer = TestTokens.user("racer");

		List<Map<String, Object>> replies = reactor.core.publisher.Flux.range(0, 50)
			.flatMap(i -> this.client.cancel(racer, id).map(reply -> reply.expect(200).body()), 50)
			.collectList()
			.block(Duration.ofSeconds(60));

		// one transition (version 1 → 2) however many callers raced for it
		assertThat(replies).hasSize(50)
			.allSatisfy(body -> assertThat(body).containsEntry("state", "CANCELLED").containsEntry("version", 2));
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.db
			.sql("SELECT type FROM reservation_event WHERE reservation_id = :id ORDER BY version")
			.bind("id", id)
			.map(row -> row.get("type", String.class))
			.all()
			.collectList()
			.block()).containsExactly("HELD", "RELEASED"));
		await().untilAsserted(() -> assertThat(Drops.statuses(this.port, drop.scheduleId()).get(drop.seatIds().get(0)))
			.isEqualTo("AVAILABLE"));
	}

	@Test
	void seatMapStreamSendsASnapshotThenChanges() {
		Drop drop = Drops.create(this.port, "seat stream", 1, 3);
		String token = Admissions.admit(this.room, drop.concertId(), "fan");
		long seat = drop.seatIds().get(1);

		dev.stagedoor.Streams.seats(this.port, drop.scheduleId())
			.as(StepVerifier::create)
			.assertNext(event -> {
				assertThat(event.event()).isEqualTo("snapshot");
				assertThat(event.data()).hasSize(3).allSatisfy(s -> assertThat(s).containsEntry("status", "AVAILABLE"));
			})
			.then(() -> this.holding.hold(drop.scheduleId(), "fan", token, List.of(seat)).block())
			.assertNext(event -> {
				assertThat(event.event()).isEqualTo("seats");
				assertThat(event.data()).containsExactly(Map.of("id", (int) seat, "status", "HELD"));
			})
			.thenCancel()
			.verify(Duration.ofSeconds(20));
	}

	@Test
	void holdingAgainDoesNotExtendTheDeadline() {
		Drop drop = Drops.create(this.port, "absolute deadline", 1, 4);
		String token = Admissions.admit(this.room, drop.concertId(), "fan");
		Reply first = this.holding.hold(drop.scheduleId(), "fan", token, List.of(drop.seatIds().get(0))).block();
		Reply again = this.holding.hold(drop.scheduleId(), "fan", token, List.of(drop.seatIds().get(0))).block();

		assertThat(again.status()).isEqualTo(409);
		String id = (String) first.body().get("id");
		await().untilAsserted(() -> assertThat(this.client.reservation(TestTokens.user("fan"), id).block(TIMEOUT).body()
			.get("heldUntil")).isEqualTo(first.body().get("heldUntil")));
	}

	private Flux<ServerSentEvent<Map<String, Object>>> stream(String id, String user, String lastEventId) {
		return dev.stagedoor.Streams.reservation(this.port, id, user, lastEventId);
	}

}
