package dev.stagedoor.payment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.Fans.Reply;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.client.StagedoorClient.Section;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.HoldingClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class PaymentIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	DatabaseClient db;

	@Test
	void payingDebitsOnceConfirmsAndSellsTheSeats() {
		Drop drop = Drops.create(this.port, "pay", 1, 4);
		Fans fans = new Fans(this.port);
		String user = user();
		fans.charge(user, "c", 1000).block();
		String id = hold(drop, user, drop.seatIds().subList(0, 2));

		Reply paid = fans.pay(user, id).block();
		Reply again = fans.pay(user, id).block();

		assertThat(paid.status()).isEqualTo(200);
		assertThat(paid.body()).containsEntry("state", "CONFIRMED").containsEntry("amount", 200);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.state()).isEqualTo("CONFIRMED");
		assertThat(fans.balance(user).block()).isEqualTo(800);
		assertThat(fans.ledger(user).block()).extracting(e -> e.get("type"), e -> e.get("amount"),
				e -> e.get("reservationId"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple("PAYMENT", -200, id),
					org.assertj.core.groups.Tuple.tuple("CHARGE", 1000, null));
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(0), "SOLD");
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(1), "SOLD");
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(2), "AVAILABLE");
		assertThat(fans.reservation(user, id).block().state()).isEqualTo("CONFIRMED");
	}

	@Test
	void fiftyConcurrentPaymentsOfOneReservationDebitOnce() {
		Drop drop = Drops.create(this.port, "pay race", 1, 4);
		Fans fans = new Fans(this.port);
		String user = user();
		fans.charge(user, "c", 1000).block();
		String id = hold(drop, user, drop.seatIds().subList(0, 3));

		List<Reply> replies = Flux.range(0, 50).flatMap(i -> fans.pay(user, id), 50).collectList().block();

		assertThat(replies).allSatisfy(reply -> assertThat(reply.status() == 200
				|| (reply.status() == 409 && "payment-in-progress".equals(reply.code())))
			.as("200 or 409 payment-in-progress: %s", reply)
			.isTrue());
		assertThat(replies).anyMatch(reply -> reply.status() == 200);
		assertThat(fans.balance(user).block()).isEqualTo(700);
		assertThat(count("SELECT count(*) AS n FROM ledger_entry WHERE reservation_id = :r", id)).isEqualTo(1);
		assertThat(count("SELECT count(*) AS n FROM payment WHERE reservation_id = :r", id)).isEqualTo(1);
		assertThat(fans.reservation(user, id).block().state()).isEqualTo("CONFIRMED");
	}

	@Test
	void insufficientPointsLeavesTheReservationHeldAndTheBalanceAlone() {
		Drop drop = Drops.create(this.port, "poor", 1, 4);
		Fans fans = new Fans(this.port);
		String user = user();
		fans.charge(user, "c", 150).block();
		String id = hold(drop, user, drop.seatIds().subList(0, 2));

		Reply refused = fans.pay(user, id).block();

		assertThat(refused.status()).isEqualTo(402);
		assertThat(refused.code()).isEqualTo("insufficient-points");
		assertThat(refused.body()).containsEntry("balance", 150).containsEntry("amount", 200);
		// the reservation as it is now: HELD again, two versions on (the attempt, then its failure)
		assertThat(refused.body().get("reservation")).isInstanceOfSatisfying(Map.class,
				reservation -> assertThat(reservation).containsEntry("id", id)
					.containsEntry("state", "HELD")
					.containsEntry("version", 3));
		assertThat(fans.reservation(user, id).block().state()).isEqualTo("HELD");
		List<String> transitions = dev.stagedoor.Streams.reservation(this.port, id, user, "1")
			.take(2)
			.map(event -> event.id() + " " + event.data().get("state"))
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(transitions).containsExactly("2 PAYING", "3 HELD");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.db
			.sql("SELECT type FROM reservation_event WHERE reservation_id = :id ORDER BY version")
			.bind("id", id)
			.map(row -> row.get("type", String.class))
			.all()
			.collectList()
			.block()).containsExactly("HELD", "PAYMENT_STARTED", "PAYMENT_FAILED"));
		assertThat(fans.balance(user).block()).isEqualTo(150);
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(0), "HELD");

		// the fan charges more and pays before the deadline
		fans.charge(user, "c2", 50).block();
		assertThat(fans.pay(user, id).block().status()).isEqualTo(200);
		assertThat(fans.balance(user).block()).isZero();
	}

	@Test
	void otherUsersCannotPayAndUnknownReservationsAreNotFound() {
		Drop drop = Drops.create(this.port, "not yours", 1, 2);
		Fans fans = new Fans(this.port);
		String owner = user();
		String other = user();
		fans.charge(other, "c", 1000).block();
		String id = hold(drop, owner, List.of(drop.seatIds().get(0)));

		Reply stranger = fans.pay(other, id).block();
		Reply unknown = fans.pay(other, drop.scheduleId() + "-doesnotexist0000").block();
		Reply garbage = fans.pay(other, "not-a-reservation").block();

		assertThat(List.of(stranger, unknown, garbage)).allSatisfy(reply -> {
			assertThat(reply.status()).isEqualTo(404);
			assertThat(reply.code()).isEqualTo("reservation-not-found");
		});
		assertThat(fans.balance(other).block()).isEqualTo(1000);
		assertThat(fans.reservation(owner, id).block().state()).isEqualTo("HELD");
	}

	@Test
	void aReleasedReservationCannotBePaid() {
		Drop drop = Drops.create(this.port, "released", 1, 2);
		Fans fans = new Fans(this.port);
		String user = user();
		fans.charge(user, "c", 1000).block();
		String id = hold(drop, user, List.of(drop.seatIds().get(0)));
		assertThat(fans.cancel(user, id).block().state()).isEqualTo("CANCELLED");

		Reply reply = fans.pay(user, id).block();

		assertThat(reply.status()).isEqualTo(409);
		assertThat(reply.code()).isEqualTo("invalid-state");
		assertThat(fans.balance(user).block()).isEqualTo(1000);
	}

	@Autowired
	PaymentScripts scripts;

	@Autowired
	dev.stagedoor.reservation.Reservations reservations;

	@Autowired
	dev.stagedoor.catalog.SeatCatalog catalog;

	@Autowired
	dev.stagedoor.support.RedisKeyspace keyspace;

	@Autowired
	org.springframework.data.redis.core.ReactiveStringRedisTemplate redis;

	@Test
	void seatsBeingPaidForKeepCountingAgainstTheUsersLimitWhilePayingOutlastsTheHold() {
		Drop drop = Drops.create(this.port, "limit while paying", 1, 6);
		String user = user();
		String id = hold(drop, user, drop.seatIds().subList(0, 4));
		dev.stagedoor.reservation.Reservation held = this.reservations.findOwned(id, user, false).block();
		String live = dev.stagedoor.reservation.ReservationKeys.of(this.keyspace, drop.scheduleId()).userLive(user);
		assertThat(this.redis.<String, String>opsForHash().get(live, id).block())
			.isEqualTo("4:" + held.heldUntil().toEpochMilli());

		long before = System.currentTimeMillis();
		this.scripts.begin(held, 600_000).block();

		// the hold keys now last two windows; so does the seats' weight against the limit
		String entry = this.redis.<String, String>opsForHash().get(live, id).block();
		assertThat(entry).startsWith("4:");
		assertThat(Long.parseLong(entry.substring(2))).isGreaterThanOrEqualTo(before + 1_200_000);
		String token = Admissions.admit(this.room, drop.concertId(), user);
		assertThat(new HoldingClient(this.port).status(drop.scheduleId(), user, token, List.of(drop.seatIds().get(4))))
			.isEqualTo(422);
	}

	@Test
	void clientsThatHangUpMidPaymentDoNotLeaveReservationsPaying() {
		Drop drop = Drops.create(this.port, "hang up", 1, 30);
		Fans fans = new Fans(this.port);
		List<String> users = java.util.stream.IntStream.range(0, 30).mapToObj(i -> user()).toList();
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < users.size(); i++) {
			fans.charge(users.get(i), "c", 1000).block();
			ids.add(hold(drop, users.get(i), List.of(drop.seatIds().get(i))));
		}
		java.util.Random random = new java.util.Random(42);

		// each client gives up after 0–40 ms, mostly before its answer
		Flux.range(0, users.size())
			.flatMap(i -> fans.pay(users.get(i), ids.get(i))
				.timeout(Duration.ofMillis(random.nextInt(40)))
				.onErrorResume(java.util.concurrent.TimeoutException.class, ex -> reactor.core.publisher.Mono.empty()))
			.blockLast();

		// far sooner than the payment window (60 s): only the saga itself can have finished them
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (int i = 0; i < users.size(); i++) {
				assertThat(fans.reservation(users.get(i), ids.get(i)).block().state()).isIn("HELD", "CONFIRMED");
			}
		});
		for (int i = 0; i < users.size(); i++) {
			boolean confirmed = "CONFIRMED".equals(fans.reservation(users.get(i), ids.get(i)).block().state());
			assertThat(fans.balance(users.get(i)).block()).isEqualTo(confirmed ? 900 : 1000);
		}
	}

	@Test
	void freeSeatsArePaidByAUserWhoNeverChargedWithoutTouchingTheirPoints() {
		long concert = dev.stagedoor.Concerts.create(this.port, "free seats");
		dev.stagedoor.Concerts.configureQueue(this.port, concert, 100_000, 100_000, 3600);
		Map<?, ?> schedule = StagedoorClient.on(this.port)
			.createSchedule(TestTokens.admin("admin"), concert, "2099-06-01T19:00:00Z", null,
					List.of(new Section("FREE", 1, 2, 0)))
			.block(Duration.ofSeconds(30))
			.expect(201)
			.body();
		long scheduleId = ((Number) schedule.get("id")).longValue();
		Drop drop = new Drop(concert, scheduleId, Drops.seatIds(this.port, scheduleId));
		Fans fans = new Fans(this.port);
		String user = user();
		String id = hold(drop, user, drop.seatIds());

		Reply paid = fans.pay(user, id).block();

		assertThat(paid.status()).isEqualTo(200);
		assertThat(paid.body()).containsEntry("state", "CONFIRMED").containsEntry("amount", 0);
		assertThat(fans.balance(user).block()).isZero();
		assertThat(fans.ledger(user).block()).extracting(e -> e.get("type"), e -> e.get("amount"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple("PAYMENT", 0));
		assertThat(count("SELECT count(*) AS n FROM payment WHERE reservation_id = :r", id)).isOne();
		Drops.awaitSeat(this.port, scheduleId, drop.seatIds().get(0), "SOLD");
		Drops.awaitSeat(this.port, scheduleId, drop.seatIds().get(1), "SOLD");
	}

	private String hold(Drop drop, String user, List<Long> seats) {
		String token = Admissions.admit(this.room, drop.concertId(), user);
		return (String) new HoldingClient(this.port).hold(drop.scheduleId(), user, token, seats).get("id");
	}

	private long count(String sql, String reservation) {
		return ((Number) this.db.sql(sql).bind("r", reservation).fetch().one().block().get("n")).longValue();
	}

	private static String user() {
		return "payer-" + UUID.randomUUID();
	}

}
