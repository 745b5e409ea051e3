package dev.stagedoor.inventory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Holding units of a quantity inventory through the HTTP API, alone and beside seats, under real races. */
@IntegrationTest
class InventoryHoldIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	RedisKeyspace keyspace;

	@Autowired
	org.springframework.r2dbc.core.DatabaseClient db;

	@Test
	void aThousandBuyersOfOneToThreeUnitsHoldExactlyAHundredAndAvailableNeverGoesBelowZero() {
		Drop drop = Drops.create(this.port, "ga rush", 1, 1);
		long ga = Stock.create(this.port, drop.scheduleId(), "GA", 100, 50, 3);
		List<String> users = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			users.add("ga-" + i);
		}
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), users);
		Fans fans = new Fans(this.port);

		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
		AtomicInteger samples = new AtomicInteger();
		Thread sampler = new Thread(() -> {
			while (running.get()) {
				int available = Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga).available();
				lowest.accumulateAndGet(available, Math::min);
				samples.incrementAndGet();
				java.util.concurrent.locks.LockSupport.parkNanos(500_000); // sampling pace, about 2,000 reads a second
			}
		});
		sampler.start();
		List<Fans.Reply> replies;
		try {
			replies = Flux.fromIterable(users)
				.flatMap(user -> {
					int units = 1 + Math.floorMod(user.hashCode(), 3);
					// a fan told 503 (overloaded, nothing changed) asks again, as clients are told to
					return Mono.defer(() -> fans.hold(user, tokens.get(user), drop.scheduleId(), List.of(), Map.of(ga, units)))
						.flatMap(reply -> reply.status() == 503 ? Mono.error(new Overloaded()) : Mono.just(reply))
						.retryWhen(Retry.backoff(10, Duration.ofMillis(100)).filter(Overloaded.class::isInstance));
				}, 64)
				.collectList()
				.block(Duration.ofMinutes(3));
		}
		finally {
			running.set(false);
		}

		int heldUnits = 0;
		for (Fans.Reply reply : replies) {
			if (reply.status() == 201) {
				List<?> items = (List<?>) reply.body().get("items");
				Map<?, ?> item = (Map<?, ?>) items.get(0);
				assertThat(((Number) item.get("inventoryId")).longValue()).isEqualTo(ga);
				assertThat(((Number) reply.body().get("amount")).longValue())
					.isEqualTo(50L * ((Number) item.get("quantity")).intValue());
				heldUnits += ((Number) item.get("quantity")).intValue();
			}
			else {
				assertThat(reply.status()).as(reply.raw()).isEqualTo(409);
				assertThat(reply.code()).isEqualTo("inventory-unavailable");
				assertThat(reply.body().get("inventoryIds")).isEqualTo(List.of((int) ga));
			}
		}
		assertThat(heldUnits).isEqualTo(100);
		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga)).isEqualTo(new Stock.Counts(100, 100, 0));
		assertThat(samples.get()).isGreaterThan(10);
		assertThat(lowest.get()).as("the lowest available count sampled").isGreaterThanOrEqualTo(0);
	}

	@Test
	void aMixedCartIsAllOrNothing() {
		Drop drop = Drops.create(this.port, "mixed cart", 1, 4);
		long ga = Stock.create(this.port, drop.scheduleId(), "GA", 3, 20, 4);
		Fans fans = new Fans(this.port);
		String first = Admissions.admit(this.room, drop.concertId(), "first");
		assertThat(fans.hold("first", first, drop.scheduleId(), List.of(), Map.of(ga, 2)).block().status()).isEqualTo(201);

		String fan = Admissions.admit(this.room, drop.concertId(), "cart");
		Fans.Reply refused = fans.hold("cart", fan, drop.scheduleId(), drop.seatIds().subList(0, 2), Map.of(ga, 2)).block();
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.code()).isEqualTo("inventory-unavailable");
		assertThat(refused.body().get("inventoryIds")).isEqualTo(List.of((int) ga));
		assertThat(Drops.statuses(this.port, drop.scheduleId()).values()).containsOnly("AVAILABLE");
		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga)).isEqualTo(new Stock.Counts(3, 2, 0));

		Fans.Reply held = fans.hold("cart", fan, drop.scheduleId(), drop.seatIds().subList(0, 2), Map.of(ga, 1)).block();
		assertThat(held.status()).isEqualTo(201);
		assertThat(((Number) held.body().get("amount")).longValue()).isEqualTo(2 * 100 + 20);
		assertThat(held.body().get("seatIds")).isEqualTo(List.of(drop.seatIds().get(0).intValue(),
				drop.seatIds().get(1).intValue()));
		assertThat(held.body().get("items")).isEqualTo(List.of(Map.of("inventoryId", (int) ga, "quantity", 1, "price", 20)));
	}

	@Test
	void unknownInventoriesAndEmptyOrDuplicateItemsAreRefusedAndHoldNothing() {
		Drop drop = Drops.create(this.port, "bad items", 1, 2);
		long ga = Stock.create(this.port, drop.scheduleId(), "GA", 10, 20, 4);
		long other = Stock.create(this.port, Drops.schedule(this.port, drop.concertId(), 1, 1, null), "Elsewhere", 10, 5, 4);
		Fans fans = new Fans(this.port);
		String token = Admissions.admit(this.room, drop.concertId(), "picky");
		Fans.Reply missing = fans.hold("picky", token, drop.scheduleId(), drop.seatIds().subList(0, 1),
				Map.of(ga, 1, other, 1)).block();
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.code()).isEqualTo("inventory-not-found");
		assertThat(missing.body().get("inventoryIds")).isEqualTo(List.of((int) other));
		assertThat(fans.hold("picky", token, drop.scheduleId(), List.of(), Map.of()).block().status()).isEqualTo(400);
		assertThat(fans.hold("picky", token, drop.scheduleId(), List.of(), Map.of(ga, 0)).block().status()).isEqualTo(400);
		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga)).isEqualTo(new Stock.Counts(10, 0, 0));
		assertThat(Drops.statuses(this.port, drop.scheduleId()).values()).containsOnly("AVAILABLE");
	}

	@Test
	void twentyParallelHoldsOfOneUserStopAtThePerUserLimit() {
		Drop drop = Drops.create(this.port, "greedy", 1, 1);
		long ga = Stock.create(this.port, drop.scheduleId(), "GA", 1000, 10, 3);
		Fans fans = new Fans(this.port);
		String token = Admissions.admit(this.room, drop.concertId(), "greedy");
		List<Fans.Reply> replies = Flux.range(0, 20)
			.flatMap(i -> fans.hold("greedy", token, drop.scheduleId(), List.of(), Map.of(ga, 1))
				.subscribeOn(Schedulers.parallel()), 20)
			.collectList()
			.block(Duration.ofMinutes(1));
		assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(3);
		assertThat(replies).filteredOn(r -> r.status() != 201).hasSize(17).allSatisfy(r -> {
			assertThat(r.status()).isEqualTo(422);
			assertThat(r.code()).isEqualTo("inventory-limit-exceeded");
			assertThat(r.body().get("inventoryIds")).isEqualTo(List.of((int) ga));
			assertThat(r.body().get("limits")).isEqualTo(List.of(3));
		});
		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga)).isEqualTo(new Stock.Counts(1000, 3, 0));
	}

	@Test
	void releasingAHoldReturnsItsUnitsAtOnce() {
		Drop drop = Drops.create(this.port, "release units", 1, 1);
		long ga = Stock.create(this.port, drop.scheduleId(), "GA", 5, 10, 5);
		Fans fans = new Fans(this.port);
		String token = Admissions.admit(this.room, drop.concertId(), "changes-mind");
		Fans.Reply held = fans.hold("changes-mind", token, drop.scheduleId(), List.of(), Map.of(ga, 4)).block();
		assertThat(held.status()).isEqualTo(201);
		assertThat(fans.cancel("changes-mind", (String) held.body().get("id")).block().state()).isEqualTo("CANCELLED");
		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga)).isEqualTo(new Stock.Counts(5, 0, 0));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(Stock.listed(this.port, drop.scheduleId(), ga).available()).isEqualTo(5));
	}

	@Test
	void paidUnitsAreSoldAndFiftyConcurrentCancelsReturnThemOnce() {
		Drop drop = Drops.create(this.port, "sold units", 1, 2);
		long ga = Stock.create(this.port, drop.scheduleId(), "GA", 10, 30, 4);
		Fans fans = new Fans(this.port);
		fans.charge("buyer", "units-charge", 1000).block();
		String token = Admissions.admit(this.room, drop.concertId(), "buyer");
		Fans.Reply held = fans.hold("buyer", token, drop.scheduleId(), drop.seatIds().subList(0, 1), Map.of(ga, 3))
			.block();
		String id = (String) held.body().get("id");
		assertThat(fans.pay("buyer", id).block().state()).isEqualTo("CONFIRMED");
		assertThat(fans.balance("buyer").block()).isEqualTo(1000 - 100 - 3 * 30);
		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga)).isEqualTo(new Stock.Counts(10, 0, 3));

		List<Fans.Reply> cancels = Flux.range(0, 50)
			.flatMap(i -> fans.cancel("buyer", id).subscribeOn(Schedulers.parallel()), 50)
			.collectList()
			.block(Duration.ofMinutes(1));
		assertThat(cancels).allSatisfy(reply -> assertThat(reply.status()).as(reply.raw()).isIn(200, 202));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(fans.reservation("buyer", id).block().state()).isEqualTo("CANCELLED"));
		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga)).isEqualTo(new Stock.Counts(10, 0, 0));
		assertThat(fans.balance("buyer").block()).isEqualTo(1000);
		assertThat(Drops.statuses(this.port, drop.scheduleId()).get(drop.seatIds().get(0))).isEqualTo("AVAILABLE");
	}

	@Test
	void aRebuildFromPostgresRestoresTheSameCounts() {
		Drop drop = Drops.create(this.port, "rebuilt units", 1, 2);
		long ga = Stock.create(this.port, drop.scheduleId(), "GA", 20, 10, 5);
		long parking = Stock.create(this.port, drop.scheduleId(), "Parking", 5, 7, 2);
		Fans fans = new Fans(this.port);
		fans.charge("owner", "rebuild-charge", 1000).block();
		String owner = Admissions.admit(this.room, drop.concertId(), "owner");
		String holder = Admissions.admit(this.room, drop.concertId(), "holder");
		String bought = (String) fans.hold("owner", owner, drop.scheduleId(), List.of(), Map.of(ga, 4, parking, 1))
			.block()
			.body()
			.get("id");
		assertThat(fans.pay("owner", bought).block().state()).isEqualTo("CONFIRMED");
		String kept = (String) fans.hold("holder", holder, drop.scheduleId(), drop.seatIds().subList(1, 2), Map.of(ga, 2))
			.block()
			.body()
			.get("id");
		Stock.Counts gaBefore = Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga);
		Stock.Counts parkingBefore = Stock.raw(this.redis, this.keyspace, drop.scheduleId(), parking);
		assertThat(gaBefore).isEqualTo(new Stock.Counts(20, 2, 4));
		assertThat(parkingBefore).isEqualTo(new Stock.Counts(5, 0, 1));
		await().atMost(Duration.ofSeconds(30)).until(() -> persistedItems(bought, kept) == 3);
		await().atMost(Duration.ofSeconds(30)).until(() -> persistedVersion(bought) == 3);

		String root = InventoryKeys.of(this.keyspace, drop.scheduleId()).root();
		long deleted = this.redis.scan(org.springframework.data.redis.core.ScanOptions.scanOptions().match(root + "*").count(1000).build())
			.flatMap(key -> this.redis.unlink(key))
			.reduce(0L, Long::sum)
			.block();
		assertThat(deleted).isGreaterThan(5);
		StagedoorClient.on(this.port)
			.rebuild(TestTokens.admin("admin"), drop.scheduleId())
			.block(Duration.ofSeconds(30))
			.expect(200);

		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga)).isEqualTo(gaBefore);
		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), parking)).isEqualTo(parkingBefore);
		// the restored hold still counts: the user's GA limit (5) leaves room for 3 more, not 5
		Fans.Reply over = fans.hold("holder", holder, drop.scheduleId(), List.of(), Map.of(ga, 4)).block();
		assertThat(over.status()).isEqualTo(422);
		assertThat(over.code()).isEqualTo("inventory-limit-exceeded");
		assertThat(fans.reservation("holder", kept).block().body().get("items"))
			.isEqualTo(List.of(Map.of("inventoryId", (int) ga, "quantity", 2, "price", 10)));
		assertThat(myItems("owner")).isEqualTo(List.of(Map.of("inventoryId", (int) ga, "quantity", 4, "price", 10),
				Map.of("inventoryId", (int) parking, "quantity", 1, "price", 7)));
	}

	private long persistedItems(String... ids) {
		return this.db.sql("SELECT count(*) AS n FROM reservation_item WHERE reservation_id IN (:ids)")
			.bind("ids", List.of(ids))
			.map(row -> ((Number) row.get("n")).longValue())
			.one()
			.block();
	}

	private long persistedVersion(String id) {
		return this.db.sql("SELECT coalesce(max(version), 0) AS v FROM reservation WHERE id = :id")
			.bind("id", id)
			.map(row -> ((Number) row.get("v")).longValue())
			.one()
			.block();
	}

	private Object myItems(String user) {
		List<Map<String, Object>> mine = StagedoorClient.on(this.port)
			.myReservations(TestTokens.user(user))
			.block(Duration.ofSeconds(30))
			.expect(200)
			.objects();
		return mine.get(0).get("items");
	}

	private static final class Overloaded extends RuntimeException {

		Overloaded() {
			super(null, null, false, false);
		}

	}

}
