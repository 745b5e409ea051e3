package dev.stagedoor.cancellation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import dev.stagedoor.Buying;
import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.Fans.Reply;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.cancellation.CancellationScripts.RequestStatus;
import dev.stagedoor.events.ReservationEvent;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.Reservations;
import dev.stagedoor.reservation.StateReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class CancellationIntegrationTests {

	private static final Duration DONE = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	DatabaseClient db;

	@Autowired
	CancellationScripts scripts;

	@Autowired
	CancellationRecords records;

	@Autowired
	CancellationWorker worker;

	@Autowired
	Reservations reservations;

	@Test
	void fiftyConcurrentCancelsOfABoughtReservationRefundOnceAndPutTheSeatsBackOnSale() {
		Drop drop = Drops.create(this.port, "cancel storm", 1, 4);
		Fans fans = new Fans(this.port);
		String user = user();
		List<Long> seats = drop.seatIds().subList(0, 2);
		String id = Buying.buy(this.port, this.room, drop, user, 1000, seats);
		assertThat(fans.balance(user).block()).isEqualTo(800);

		List<Reply> replies = Flux.range(0, 50).flatMap(i -> fans.cancel(user, id), 50).collectList().block();

		assertThat(replies).allSatisfy(reply -> assertThat(
				(reply.status() == 202 && "CANCELLING".equals(reply.state()))
						|| (reply.status() == 200 && "CANCELLED".equals(reply.state())))
			.as("202 CANCELLING or 200 CANCELLED: %s", reply)
			.isTrue());
		await().atMost(DONE).until(() -> "CANCELLED".equals(fans.reservation(user, id).block().state()));
		assertThat(fans.balance(user).block()).isEqualTo(1000);
		assertThat(count("SELECT count(*) AS n FROM refund WHERE reservation_id = :r", id)).isEqualTo(1);
		assertThat(fans.ledger(user).block()).extracting(e -> e.get("type"), e -> e.get("amount"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple("REFUND", 200),
					org.assertj.core.groups.Tuple.tuple("PAYMENT", -200),
					org.assertj.core.groups.Tuple.tuple("CHARGE", 1000));
		seats.forEach(seat -> Drops.awaitSeat(this.port, drop.scheduleId(), seat, "AVAILABLE"));
		Map<String, Object> history = this.db
			.sql("SELECT user_id, refund_amount, reason, requested_at, completed_at FROM cancellation WHERE reservation_id = :r")
			.bind("r", id).fetch().one().block();
		assertThat(history).containsEntry("user_id", user).containsEntry("refund_amount", 200L)
			.containsEntry("reason", CancellationRecords.REASON);
		assertThat(history.get("completed_at")).isNotNull();

		// another fan can buy the seats now
		String next = user();
		Buying.buy(this.port, this.room, drop, next, 1000, seats);
		seats.forEach(seat -> Drops.awaitSeat(this.port, drop.scheduleId(), seat, "SOLD"));
		// and the durable record shows the cancellation once
		await().atMost(DONE).untilAsserted(() -> assertThat(this.db
			.sql("SELECT type FROM reservation_event WHERE reservation_id = :r ORDER BY version").bind("r", id)
			.map(row -> row.get("type", String.class)).all().collectList().block())
			.containsExactly("HELD", "PAYMENT_STARTED", "CONFIRMED", "CANCEL_REQUESTED", "CANCELLED"));
		await().atMost(DONE).untilAsserted(() -> assertThat(
				StagedoorClient.on(this.port).myReservations(TestTokens.user(user)).block(Duration.ofSeconds(30)).objects())
			.anySatisfy(r -> assertThat(r).containsEntry("id", id).containsEntry("state", "CANCELLED")));
	}

	@Test
	void theStreamShowsCancellingThenCancelled() {
		Drop drop = Drops.create(this.port, "cancel stream", 1, 2);
		String user = user();
		String id = Buying.buy(this.port, this.room, drop, user, 1000, List.of(drop.seatIds().get(0)));
		long confirmed = ((Number) new Fans(this.port).reservation(user, id).block().body().get("version")).longValue();

		Flux<ServerSentEvent<Map<String, Object>>> stream = stream(id, user, String.valueOf(confirmed)).cache();
		stream.subscribe();
		new Fans(this.port).cancel(user, id).block();

		stream.as(StepVerifier::create)
			.assertNext(event -> assertThat(event.data()).containsEntry("state", "CANCELLING"))
			.assertNext(event -> assertThat(event.data()).containsEntry("state", "CANCELLED"))
			.verifyComplete();
	}

	@Test
	void theSeatMapStreamShowsTheSeatsAvailableAgain() {
		Drop drop = Drops.create(this.port, "cancel seat stream", 1, 2);
		String user = user();
		long seat = drop.seatIds().get(0);
		String id = Buying.buy(this.port, this.room, drop, user, 1000, List.of(seat));
		Drops.awaitSeat(this.port, drop.scheduleId(), seat, "SOLD");

		dev.stagedoor.Streams.seats(this.port, drop.scheduleId())
			.as(StepVerifier::create)
			.assertNext(event -> {
				assertThat(event.event()).isEqualTo("snapshot");
				assertThat(event.data()).anySatisfy(s -> assertThat(s).containsEntry("id", (int) seat)
					.containsEntry("status", "SOLD"));
			})
			.then(() -> new Fans(this.port).cancel(user, id).block())
			.assertNext(event -> {
				assertThat(event.event()).isEqualTo("seats");
				assertThat(event.data()).containsExactly(Map.of("id", (int) seat, "status", "AVAILABLE"));
			})
			.thenCancel()
			.verify(Duration.ofSeconds(20));
	}

	@Test
	void redeliveryAndAWorkerKilledBetweenRefundAndCompletionStillRefundOnce() {
		Drop drop = Drops.create(this.port, "redelivery", 1, 2);
		Fans fans = new Fans(this.port);
		String user = user();
		String id = Buying.buy(this.port, this.room, drop, user, 1000, List.of(drop.seatIds().get(0)));
		Reservation bought = this.reservations.findOwned(id, user, false).block();

		// the request, as the API makes it; the running worker races everything below
		StateReply<RequestStatus> reply = this.scripts.request(bought, user).block();
		assertThat(reply.status()).isEqualTo(RequestStatus.CANCELLING);
		long version = reply.version();
		ReservationEvent requested = new ReservationEvent(id + ":" + version, "CANCEL_REQUESTED", id,
				drop.scheduleId(), user, String.valueOf(drop.seatIds().get(0)), bought.amount(), "CANCELLING", version,
				System.currentTimeMillis(), null);
		// a worker that refunded and died before completing
		this.records.refund(id, user, requested.at()).block();
		// and the event delivered again, twice at once
		Flux.merge(this.worker.handle(requested), this.worker.handle(requested)).blockLast();

		await().atMost(DONE).until(() -> "CANCELLED".equals(fans.reservation(user, id).block().state()));
		this.worker.handle(requested).block();
		assertThat(count("SELECT count(*) AS n FROM refund WHERE reservation_id = :r", id)).isEqualTo(1);
		assertThat(count("SELECT count(*) AS n FROM ledger_entry WHERE reservation_id = :r AND type = 'REFUND'", id))
			.isEqualTo(1);
		assertThat(fans.balance(user).block()).isEqualTo(1000);
		assertThat(fans.reservation(user, id).block().body()).containsEntry("version", (int) version + 1);
	}

	@Test
	void afterTheDeadlineACancelIsRefusedAndChangesNothing() {
		long concert = Concerts.create(this.port, "deadline passed");
		Concerts.configureQueue(this.port, concert, 100_000, 100_000, 3600);
		long schedule = Drops.schedule(this.port, concert, 1, 2, "2020-01-01T00:00:00Z");
		Drop drop = new Drop(concert, schedule, Drops.seatIds(this.port, schedule));
		Fans fans = new Fans(this.port);
		String user = user();
		String id = Buying.buy(this.port, this.room, drop, user, 1000, List.of(drop.seatIds().get(0)));

		Reply refused = fans.cancel(user, id).block();

		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.code()).isEqualTo("cancel-deadline-passed");
		assertThat(fans.reservation(user, id).block().state()).isEqualTo("CONFIRMED");
		assertThat(fans.balance(user).block()).isEqualTo(900);
		Drops.awaitSeat(this.port, schedule, drop.seatIds().get(0), "SOLD");
	}

	@Test
	void othersCannotCancelAndExpiredOrUnknownReservationsAreRefused() {
		Drop drop = Drops.create(this.port, "not yours to cancel", 1, 2);
		Fans fans = new Fans(this.port);
		String owner = user();
		String id = Buying.buy(this.port, this.room, drop, owner, 1000, List.of(drop.seatIds().get(0)));

		Reply stranger = fans.cancel(user(), id).block();
		Reply unknown = fans.cancel(owner, "nope").block();

		assertThat(stranger.status()).isEqualTo(404);
		assertThat(stranger.code()).isEqualTo("reservation-not-found");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(fans.reservation(owner, id).block().state()).isEqualTo("CONFIRMED");
		assertThat(fans.balance(owner).block()).isEqualTo(900);
	}

	private long count(String sql, String reservation) {
		return ((Number) this.db.sql(sql).bind("r", reservation).fetch().one().block().get("n")).longValue();
	}

	private Flux<ServerSentEvent<Map<String, Object>>> stream(String id, String user, String lastEventId) {
		return dev.stagedoor.Streams.reservation(this.port, id, user, lastEventId);
	}

	private static String user() {
		return "canceller-" + UUID.randomUUID();
	}

}
