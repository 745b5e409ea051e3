package dev.stagedoor.payment;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.Fans.Reply;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.points.Wallets;
import dev.stagedoor.points.Wallets.PaymentOutcome;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.HoldingClient;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationKeys;
import dev.stagedoor.reservation.Reservations;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crashes between the saga's steps, made by running the steps' own components up to the
 * crash point and never calling the rest; the recovery job must end every attempt in a
 * consistent state with at most one debit, and the seats SOLD exactly when paid.
 */
@IntegrationTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = { "stagedoor.hold.ttl=6s", "stagedoor.hold.reaper-interval=200ms",
		"stagedoor.payment.window=1s", "stagedoor.payment.recovery-interval=200ms" })
class PaymentRecoveryIntegrationTests {

	private static final Duration SETTLED = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	DatabaseClient db;

	@Autowired
	PaymentScripts scripts;

	@Autowired
	Wallets wallets;

	@Autowired
	Reservations reservations;

	@Autowired
	SeatCatalog catalog;

	@Autowired
	RedisKeyspace keyspace;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Test
	void crashAfterPayingBeganAndBeforeTheDebitVoidsTheAttemptAndHoldsAgain() {
		Drop drop = Drops.create(this.port, "crash 1-2", 1, 2);
		Fans fans = new Fans(this.port);
		String user = user();
		fans.charge(user, "c", 1000).block();
		Reservation held = hold(drop, user, drop.seatIds().get(0));

		String member = held.id() + "|" + user;
		String expiry = ReservationKeys.of(this.keyspace, drop.scheduleId()).expiry();
		long attempt = this.scripts.begin(held, 1000).block().attempt();
		assertThat(fans.reservation(user, held.id()).block().state()).isEqualTo("PAYING");
		// while paying, it is the recovery job's, not the hold reaper's
		assertThat(this.redis.opsForZSet().score(expiry, member).blockOptional()).isEmpty();

		await().atMost(SETTLED).until(() -> "HELD".equals(fans.reservation(user, held.id()).block().state()));
		assertThat(this.redis.opsForZSet().score(expiry, member).block())
			.isEqualTo((double) held.heldUntil().toEpochMilli());
		assertThat(outcome(held.id(), attempt)).isEqualTo("VOIDED");
		assertThat(fans.balance(user).block()).isEqualTo(1000);
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(0), "HELD");
		// the request that crashed could not debit now, even if it came back to life
		assertThat(this.wallets.pay(held.id(), attempt, user, held.amount()).block())
			.isInstanceOf(PaymentOutcome.Voided.class);
		assertThat(fans.balance(user).block()).isEqualTo(1000);

		// and the fan can pay again: a new attempt
		Reply paid = fans.pay(user, held.id()).block();
		assertThat(paid.status()).isEqualTo(200);
		assertThat(fans.balance(user).block()).isEqualTo(900);
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(0), "SOLD");
	}

	@Test
	void crashAfterTheDebitAndBeforeConfirmingIsConfirmedByRecovery() {
		Drop drop = Drops.create(this.port, "crash 2-3", 1, 2);
		Fans fans = new Fans(this.port);
		String user = user();
		fans.charge(user, "c", 1000).block();
		Reservation held = hold(drop, user, drop.seatIds().get(0));

		long attempt = this.scripts.begin(held, 1000).block().attempt();
		assertThat(this.wallets.pay(held.id(), attempt, user, held.amount()).block())
			.isInstanceOf(PaymentOutcome.Paid.class);

		await().atMost(SETTLED).until(() -> "CONFIRMED".equals(fans.reservation(user, held.id()).block().state()));
		assertThat(fans.balance(user).block()).isEqualTo(900);
		assertThat(outcome(held.id(), attempt)).isEqualTo("PAID");
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(0), "SOLD");
		// paying again changes nothing
		assertThat(fans.pay(user, held.id()).block().status()).isEqualTo(200);
		assertThat(fans.balance(user).block()).isEqualTo(900);
	}

	@Test
	void aPaidReservationWhoseSeatWasTakenMeanwhileIsRefundedAndExpired() {
		Drop drop = Drops.create(this.port, "seat lost", 1, 2);
		Fans fans = new Fans(this.port);
		String user = user();
		fans.charge(user, "c", 1000).block();
		long seat = drop.seatIds().get(0);
		Reservation held = hold(drop, user, seat);
		long attempt = this.scripts.begin(held, 1000).block().attempt();
		this.wallets.pay(held.id(), attempt, user, held.amount()).block();
		// Redis lost the hold (say, a failover to a replica that had not seen the extension)
		// and another reservation got the seat
		this.redis.opsForValue().set(this.catalog.keys(drop.scheduleId()).hold(seat), drop.scheduleId() + "-someoneelse0000").block();

		await().atMost(SETTLED).until(() -> "EXPIRED".equals(fans.reservation(user, held.id()).block().state()));
		assertThat(fans.balance(user).block()).isEqualTo(1000);
		assertThat(fans.ledger(user).block()).extracting(e -> e.get("type")).containsExactly("REFUND", "PAYMENT", "CHARGE");
	}

	@Test
	void aPaymentRefundedBecauseItsSeatsWereLostIsNeverConfirmedLater() {
		Drop drop = Drops.create(this.port, "refunded then free", 1, 2);
		Fans fans = new Fans(this.port);
		String user = user();
		fans.charge(user, "c", 1000).block();
		Reservation held = hold(drop, user, drop.seatIds().get(0));
		long attempt = this.scripts.begin(held, 1000).block().attempt();
		this.wallets.pay(held.id(), attempt, user, held.amount()).block();
		// the saga found the seat taken and refunded, then died before expiring the
		// reservation; meanwhile the seat became free again
		assertThat(this.wallets.refund(held.id(), "seats-lost").block()).isEqualTo(held.amount());

		await().atMost(SETTLED).until(() -> "EXPIRED".equals(fans.reservation(user, held.id()).block().state()));
		assertThat(fans.balance(user).block()).isEqualTo(1000);
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(0), "AVAILABLE");
		assertThat(fans.ledger(user).block()).extracting(e -> e.get("type")).containsExactly("REFUND", "PAYMENT", "CHARGE");
	}

	@Autowired
	PaymentRecovery recovery;

	@Test
	void recoveryJobsOfManyInstancesAndALateRequestRacingForOneAttemptAgree() {
		Drop drop = Drops.create(this.port, "recovery race", 1, 6);
		Fans fans = new Fans(this.port);
		for (int round = 0; round < 6; round++) {
			String user = user();
			fans.charge(user, "c", 1000).block();
			Reservation held = hold(drop, user, drop.seatIds().get(round));
			long attempt = this.scripts.begin(held, 1000).block().attempt();

			// when the attempt turns stale: eight instances' recovery passes (and this
			// context's own ticker) against the request that comes back to debit it
			reactor.core.publisher.Flux.merge(reactor.core.publisher.Flux.range(0, 8)
				.map(i -> this.recovery.settleStale().then()), reactor.core.publisher.Flux.just(
						this.wallets.pay(held.id(), attempt, user, held.amount()).then()))
				.delaySubscription(Duration.ofMillis(1_000 + 40 * round))
				.blockLast(Duration.ofSeconds(30));

			await().atMost(SETTLED).until(() -> !"PAYING".equals(fans.reservation(user, held.id()).block().state()));
			String state = fans.reservation(user, held.id()).block().state();
			String decided = outcome(held.id(), attempt);
			assertThat(state).isIn("CONFIRMED", "HELD");
			assertThat(decided).isEqualTo("CONFIRMED".equals(state) ? "PAID" : "VOIDED");
			assertThat(fans.balance(user).block()).isEqualTo("CONFIRMED".equals(state) ? 900 : 1000);
			Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(round),
					"CONFIRMED".equals(state) ? "SOLD" : "HELD");
		}
	}

	@Test
	void aHoldThatExpiredBeforePaymentCannotBePaid() {
		Drop drop = Drops.create(this.port, "too late", 1, 2);
		Fans fans = new Fans(this.port);
		String user = user();
		fans.charge(user, "c", 1000).block();
		Reservation held = hold(drop, user, drop.seatIds().get(0));

		await().atMost(SETTLED).until(() -> "EXPIRED".equals(fans.reservation(user, held.id()).block().state()));
		Reply late = fans.pay(user, held.id()).block();

		assertThat(late.status()).isEqualTo(409);
		assertThat(late.code()).isEqualTo("invalid-state");
		assertThat(fans.balance(user).block()).isEqualTo(1000);
		Drops.awaitSeat(this.port, drop.scheduleId(), drop.seatIds().get(0), "AVAILABLE");
	}

	private Reservation hold(Drop drop, String user, long seat) {
		String token = Admissions.admit(this.room, drop.concertId(), user);
		String id = (String) new HoldingClient(this.port).hold(drop.scheduleId(), user, token, List.of(seat)).get("id");
		return this.reservations.findOwned(id, user, false).block();
	}

	private String outcome(String reservation, long attempt) {
		return this.db.sql("SELECT outcome FROM payment_attempt WHERE reservation_id = :r AND attempt = :a")
			.bind("r", reservation)
			.bind("a", attempt)
			.map(row -> row.get("outcome", String.class))
			.one()
			.block();
	}

	private static String user() {
		return "recovering-" + UUID.randomUUID();
	}

}
