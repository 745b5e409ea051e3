package dev.stagedoor.persistence;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.HoldingClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class ScheduleRecoveryIntegrationTests {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	SeatCatalog catalog;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	DatabaseClient db;

	@Autowired
	dev.stagedoor.points.Wallets wallets;

	@Test
	void scheduleLostByRedisIsRebuiltFromPostgres() {
		Drop drop = Drops.create(this.port, "rebuild", 2, 5);
		// a wallet of this test's own: other classes of the run (FairPlayIntegrationTests) charge a user named "payer" too
		String payer = "payer-" + drop.scheduleId();
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), List.of("h1", "h2", "gone"));
		HoldingClient holding = new HoldingClient(this.port);
		String held1 = (String) holding.hold(drop.scheduleId(), "h1", tokens.get("h1"), drop.seatIds().subList(0, 2)).get("id");
		String held2 = (String) holding.hold(drop.scheduleId(), "h2", tokens.get("h2"), drop.seatIds().subList(2, 3)).get("id");
		String released = (String) holding.hold(drop.scheduleId(), "gone", tokens.get("gone"), drop.seatIds().subList(5, 7)).get("id");
		// paid: the payment committed in PostgreSQL, but Redis was lost before the payment's
		// events were relayed, so the durable row still says HELD
		String paidFor = (String) holding.hold(drop.scheduleId(), payer, Admissions.admit(this.room, drop.concertId(), payer),
				drop.seatIds().subList(7, 8)).get("id");
		dev.stagedoor.Fans fans = new dev.stagedoor.Fans(this.port);
		fans.charge(payer, "c", 1000).block();
		StagedoorClient client = StagedoorClient.on(this.port);
		client.cancel(TestTokens.user("gone"), released).block(TIMEOUT).expect(200);
		await().atMost(Duration.ofSeconds(30)).until(() -> persistedVersions(held1, held2, released, paidFor) == 5);
		assertThat(this.wallets.pay(paidFor, 2, payer, 100).block())
			.isInstanceOf(dev.stagedoor.points.Wallets.PaymentOutcome.Paid.class);
		// a sale recorded in PostgreSQL (the payment flow writes these): seat 9 is SOLD
		this.db.sql("""
				INSERT INTO reservation (id, schedule_id, user_id, state, amount, version, updated_at)
				VALUES (:id, :s, 'buyer', 'CONFIRMED', 100, 3, now())""")
			.bind("id", drop.scheduleId() + "-sold000000000000").bind("s", drop.scheduleId()).fetch().rowsUpdated().block();
		this.db.sql("INSERT INTO reservation_seat (reservation_id, seat_id) VALUES (:id, :seat)")
			.bind("id", drop.scheduleId() + "-sold000000000000").bind("seat", drop.seatIds().get(9)).fetch().rowsUpdated().block();
		// a cancellation whose refund committed but whose CANCELLED event Redis lost: the
		// durable row still says CANCELLING, seat 8 must come back AVAILABLE, not SOLD
		String refunded = drop.scheduleId() + "-refunded00000000";
		this.db.sql("""
				INSERT INTO reservation (id, schedule_id, user_id, state, amount, version, updated_at)
				VALUES (:id, :s, 'canceller', 'CANCELLING', 100, 4, now())""")
			.bind("id", refunded).bind("s", drop.scheduleId()).fetch().rowsUpdated().block();
		this.db.sql("INSERT INTO reservation_seat (reservation_id, seat_id) VALUES (:id, :seat)")
			.bind("id", refunded).bind("seat", drop.seatIds().get(8)).fetch().rowsUpdated().block();
		this.db.sql("INSERT INTO payment (reservation_id, user_id, amount, paid_at) VALUES (:id, 'canceller', 100, now())")
			.bind("id", refunded).fetch().rowsUpdated().block();
		this.db.sql("""
				INSERT INTO refund (reservation_id, user_id, amount, reason, refunded_at)
				VALUES (:id, 'canceller', 100, 'cancelled-by-user', now())""").bind("id", refunded).fetch().rowsUpdated().block();
		Map<Long, String> expected = new java.util.HashMap<>();
		for (int i = 0; i < drop.seatIds().size(); i++) {
			expected.put(drop.seatIds().get(i), i < 3 ? "HELD" : i == 9 || i == 7 ? "SOLD" : "AVAILABLE");
		}

		long deleted = this.redis.scan(ScanOptions.scanOptions().match(this.catalog.keys(drop.scheduleId()).root() + "*").count(1000).build())
			.flatMap(key -> this.redis.unlink(key))
			.reduce(0L, Long::sum)
			.block();
		assertThat(deleted).isGreaterThan(5);

		assertThat(client.rebuild(TestTokens.admin("admin"), drop.scheduleId()).block(TIMEOUT).expect(200)
			.number("restored")).isEqualTo(5);

		// the paid one is confirmed by the payment recovery job: the sale is not lost
		await().atMost(Duration.ofSeconds(15)).untilAsserted(
				() -> assertThat(Drops.statuses(this.port, drop.scheduleId())).isEqualTo(expected));
		assertThat(fans.reservation(payer, paidFor).block().state()).isEqualTo("CONFIRMED");
		assertThat(fans.balance(payer).block()).isEqualTo(900);
		assertThat(fans.reservation("canceller", refunded).block().state()).isEqualTo("CANCELLED");
		ApiReply restored = client.reservation(TestTokens.user("h1"), held1).block(TIMEOUT).expect(200);
		assertThat(restored.state()).isEqualTo("HELD");
		assertThat((List<?>) restored.body().get("seatIds")).hasSize(2);
		// the restored hold still counts against the seat: another fan cannot take it
		String other = Admissions.admit(this.room, drop.concertId(), "other");
		assertThat(holding.status(drop.scheduleId(), "other", other, List.of(drop.seatIds().get(0)))).isEqualTo(409);
		client.rebuild(TestTokens.admin("admin"), 999999999L).block(TIMEOUT).expect(404);
	}

	private long persistedVersions(String... ids) {
		return this.db.sql("SELECT coalesce(sum(version), 0) AS v FROM reservation WHERE id IN (:ids)")
			.bind("ids", List.of(ids))
			.map(row -> ((Number) row.get("v")).longValue())
			.one()
			.block();
	}

}
