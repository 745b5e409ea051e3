package dev.stagedoor.points;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;

import dev.stagedoor.Fans;
import dev.stagedoor.Fans.Reply;
import dev.stagedoor.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class ChargingPointsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	DatabaseClient db;

	@Autowired
	PointsProperties limits;

	@Test
	void aChargeCreditsTheBalanceAndAppendsOneLedgerEntry() {
		Fans fans = new Fans(this.port);
		String user = user();
		Reply first = fans.charge(user, "k1", 700).block();
		Reply second = fans.charge(user, "k2", 300).block();

		assertThat(first.status()).isEqualTo(201);
		assertThat(first.body()).containsEntry("amount", 700).containsEntry("balance", 700).containsKey("chargeId");
		assertThat(second.body()).containsEntry("balance", 1000);
		assertThat(fans.balance(user).block()).isEqualTo(1000);
		List<Map<String, Object>> ledger = fans.ledger(user).block();
		assertThat(ledger).extracting(e -> e.get("type")).containsExactly("CHARGE", "CHARGE");
		assertThat(ledger).extracting(e -> e.get("amount")).containsExactly(300, 700);
		assertThat(ledger).extracting(e -> e.get("balanceAfter")).containsExactly(1000, 700);
		assertThat(ledger.get(0)).containsKeys("id", "reservationId", "createdAt");
	}

	@Test
	void hundredConcurrentChargesWithDistinctKeysAllCredit() {
		Fans fans = new Fans(this.port);
		String user = user();
		List<Reply> replies = Flux.range(1, 100)
			.flatMap(i -> fans.charge(user, "key-" + i, i), 100)
			.collectList()
			.block();

		assertThat(replies).extracting(Reply::status).containsOnly(201);
		long sum = IntStream.rangeClosed(1, 100).sum();
		assertThat(fans.balance(user).block()).isEqualTo(sum);
		assertThat(fans.ledger(user).block()).hasSize(100);
		assertBalanceEqualsLedger(user);
	}

	@Test
	void hundredConcurrentChargesWithOneKeyCreditOnceAndAllGetTheSameResponse() {
		Fans fans = new Fans(this.port);
		String user = user();
		List<Reply> replies = Flux.range(1, 100)
			.flatMap(i -> fans.charge(user, "same-key", 250), 100)
			.collectList()
			.block();

		assertThat(replies).extracting(Reply::status).containsOnly(201);
		assertThat(replies).extracting(Reply::raw).containsOnly(replies.get(0).raw());
		assertThat(fans.balance(user).block()).isEqualTo(250);
		assertThat(fans.ledger(user).block()).hasSize(1);
	}

	@Test
	void theSameKeyWithAnotherBodyIsRefusedAndCreditsNothing() {
		Fans fans = new Fans(this.port);
		String user = user();
		assertThat(fans.charge(user, "k", 100).block().status()).isEqualTo(201);

		Reply reused = fans.charge(user, "k", 200).block();

		assertThat(reused.status()).isEqualTo(422);
		assertThat(reused.code()).isEqualTo("idempotency-key-reused");
		assertThat(fans.balance(user).block()).isEqualTo(100);
		// keys are per user: another user may use the same key
		assertThat(fans.charge(user(), "k", 200).block().status()).isEqualTo(201);
	}

	@Test
	void badChargesAreRefusedAndChangeNothing() {
		Fans fans = new Fans(this.port);
		String user = user();
		Reply noKey = fans.charge(user, null, 100).block();
		assertThat(noKey.status()).isEqualTo(400);
		assertThat(noKey.code()).isEqualTo("validation-failed");
		assertThat(fans.charge(user, "x".repeat(256), 100).block().code()).isEqualTo("validation-failed");
		assertThat(fans.charge(user, "zero", 0).block().code()).isEqualTo("validation-failed");
		assertThat(fans.charge(user, "negative", -5).block().status()).isEqualTo(400);
		Reply tooLarge = fans.charge(user, "large", this.limits.maxCharge() + 1).block();
		assertThat(tooLarge.status()).isEqualTo(422);
		assertThat(tooLarge.code()).isEqualTo("charge-limit-exceeded");
		assertThat(fans.balance(user).block()).isZero();
		assertThat(fans.ledger(user).block()).isEmpty();
	}

	@Test
	void aChargeAboveTheBalanceLimitIsRefusedAndItsKeyReplaysTheRefusal() {
		Fans fans = new Fans(this.port);
		String user = user();
		long charge = this.limits.maxCharge();
		long charges = this.limits.maxBalance() / charge;
		Flux.range(0, (int) charges).concatMap(i -> fans.charge(user, "fill-" + i, charge)).blockLast();
		assertThat(fans.balance(user).block()).isEqualTo(charges * charge);

		Reply refused = fans.charge(user, "over", this.limits.maxBalance() - charges * charge + 1).block();
		Reply again = fans.charge(user, "over", this.limits.maxBalance() - charges * charge + 1).block();

		assertThat(refused.status()).isEqualTo(422);
		assertThat(refused.code()).isEqualTo("balance-limit-exceeded");
		assertThat(again.raw()).isEqualTo(refused.raw());
		assertThat(fans.balance(user).block()).isEqualTo(charges * charge);
		assertBalanceEqualsLedger(user);
	}

	private void assertBalanceEqualsLedger(String user) {
		Map<String, Object> row = this.db.sql("""
				SELECT w.balance, (SELECT coalesce(sum(amount), 0) FROM ledger_entry l WHERE l.user_id = w.user_id) AS total
				FROM wallet w WHERE w.user_id = :u""").bind("u", user).fetch().one().block();
		assertThat(((Number) row.get("balance")).longValue()).isEqualTo(((Number) row.get("total")).longValue());
	}

	private static String user() {
		return "points-" + UUID.randomUUID();
	}

}
