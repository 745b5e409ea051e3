package dev.stagedoor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans.Reply;
import dev.stagedoor.inventory.Stock;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.Reservations;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jepsen-style: 50 fans charge, hold, pay (sometimes twice at once), release and cancel
 * (sometimes many times at once) at random for a minute ({@code -Dstagedoor.bank.seconds}
 * to change it; seeded, {@code -Dstagedoor.bank.seed} to replay a run's choices). The
 * money invariants are checked in PostgreSQL at random moments while it runs, and
 * everything — money, reservations and seats — once it has settled. About a third of the
 * holds also take 1–3 units of a general-admission inventory (some carts hold units only),
 * and its counters are checked while it runs and, once settled, against the reservations,
 * the wallets and the rows PostgreSQL keeps.
 */
@IntegrationTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = "stagedoor.hold.max-seats-per-user=100")
class BankInvariantIntegrationTests {

	private static final int FANS = 50;

	private static final int UNITS = 60;

	private static final long UNIT_PRICE = 40;

	private static final long SEAT_PRICE = 100;

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	DatabaseClient db;

	@Autowired
	Reservations reservations;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	RedisKeyspace keyspace;

	@Test
	void moneyAndSeatsStayConsistentUnderRandomConcurrentChargesPaymentsAndCancellations() {
		long seed = Long.getLong("stagedoor.bank.seed", System.nanoTime());
		Duration length = Duration.ofSeconds(Long.getLong("stagedoor.bank.seconds", 60));
		Drop drop = Drops.create(this.port, "bank " + seed, 40, 50);
		// few units for 50 fans, and a per-user limit they reach: refusals of both kinds happen
		long ga = Stock.create(this.port, drop.scheduleId(), "General admission", UNITS, UNIT_PRICE, 4);
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<String> users = IntStream.range(0, FANS).mapToObj(i -> "bank-" + run + "-" + i).toList();
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), users);
		Fans fans = new Fans(this.port);
		Map<String, List<String>> owned = new ConcurrentHashMap<>();
		Map<String, Map<String, Long>> credits = new ConcurrentHashMap<>();
		AtomicInteger operations = new AtomicInteger();
		AtomicInteger checks = new AtomicInteger();
		long end = System.nanoTime() + length.toNanos();

		Mono<Void> everyone = Flux.range(0, FANS)
			.flatMap(i -> fan(fans, drop, ga, users.get(i), tokens.get(users.get(i)), new Random(seed + i), end, owned,
					credits, operations), FANS)
			.then();
		Random checker = new Random(seed);
		Mono<Void> checking = Flux.interval(Duration.ofMillis(500 + checker.nextInt(1500)))
			// a tick while a check still runs is skipped, not an overflow error
			.onBackpressureDrop()
			.takeWhile(tick -> System.nanoTime() < end)
			.concatMap(tick -> moneyInvariants(users)
				.then(Mono.fromRunnable(() -> unitInvariants(drop, ga)).subscribeOn(Schedulers.boundedElastic()))
				.doOnSuccess(ok -> checks.incrementAndGet()))
			.then();
		Mono.when(everyone, checking).block(length.plusMinutes(3));

		org.slf4j.LoggerFactory.getLogger(getClass()).info("Bank run (seed {}): {} operations, {} checks while running",
				seed, operations.get(), checks.get());
		assertThat(operations.get()).as("operations (seed %d)", seed).isGreaterThan(FANS * 10);
		assertThat(checks.get()).as("checks while running").isGreaterThan(3);
		List<Reservation> all = settled(owned);
		moneyInvariants(users).block();
		assertReservationsMatchMoneyAndSeats(all, drop, seed);
		assertUnitsMatchReservations(all, drop, ga, seed);
		assertBalancesMatchAmounts(all, credits, seed);
	}

	/** One fan's random walk until {@code end}. */
	private Mono<Void> fan(Fans fans, Drop drop, long ga, String user, String token, Random random, long end,
			Map<String, List<String>> owned, Map<String, Map<String, Long>> credits, AtomicInteger operations) {
		List<String> mine = Collections.synchronizedList(new ArrayList<>());
		owned.put(user, mine);
		Map<String, Long> keys = Collections.synchronizedMap(new HashMap<>());
		credits.put(user, keys);
		return Flux.generate(sink -> sink.next(0))
			.concatMap(ignored -> {
				if (System.nanoTime() >= end) {
					return Mono.just(false);
				}
				operations.incrementAndGet();
				int dice = random.nextInt(100);
				if (dice < 25) {
					return charge(fans, user, random, keys).thenReturn(true);
				}
				if (dice < 65) {
					boolean units = random.nextInt(3) == 0;
					List<Long> seats = units && random.nextInt(4) == 0 ? List.of()
							: List.of(drop.seatIds().get(random.nextInt(drop.seatIds().size())));
					Map<Long, Integer> items = units ? Map.of(ga, 1 + random.nextInt(3)) : Map.of();
					return fans.hold(user, token, drop.scheduleId(), seats, items).flatMap(held -> {
						if (held.status() != 201) {
							assertThat(held.status()).as("hold: %s", held).isIn(409, 422);
							assertThat(held.code()).as("hold: %s", held)
								.isIn(units
										? List.of("seat-unavailable", "seat-limit-exceeded", "inventory-unavailable",
												"inventory-limit-exceeded")
										: List.of("seat-unavailable", "seat-limit-exceeded"));
							return Mono.just(true);
						}
						assertThat(((Number) held.body().get("amount")).longValue()).as("hold: %s", held)
							.isEqualTo(SEAT_PRICE * seats.size() + UNIT_PRICE * items.getOrDefault(ga, 0));
						String id = (String) held.body().get("id");
						mine.add(id);
						int payers = random.nextInt(10) < 2 ? 2 : 1;
						return Flux.range(0, payers).flatMap(p -> fans.pay(user, id)).doOnNext(paid ->
								assertThat(paid.status()).as("pay: %s", paid).isIn(200, 402, 409)).then(Mono.just(true));
					});
				}
				if (dice < 85 && !mine.isEmpty()) {
					String id = mine.get(random.nextInt(mine.size()));
					int cancellers = 1 + random.nextInt(3);
					return Flux.range(0, cancellers).flatMap(c -> fans.cancel(user, id)).doOnNext(cancelled ->
							assertThat(cancelled.status()).as("cancel: %s", cancelled).isIn(200, 202, 409))
						.then(Mono.just(true));
				}
				if (!mine.isEmpty()) {
					return fans.pay(user, mine.get(random.nextInt(mine.size()))).thenReturn(true);
				}
				return Mono.just(true);
			})
			.takeWhile(going -> going)
			.then();
	}

	private Mono<Void> charge(Fans fans, String user, Random random, Map<String, Long> keys) {
		if (!keys.isEmpty() && random.nextInt(10) == 0) {
			// a retry of an earlier charge: must replay, credit nothing
			String key = new ArrayList<>(keys.keySet()).get(random.nextInt(keys.size()));
			return fans.charge(user, key, keys.get(key))
				.doOnNext(reply -> assertThat(reply.status()).as("replay: %s", reply).isEqualTo(201))
				.then();
		}
		String key = UUID.randomUUID().toString();
		long amount = 50 + random.nextInt(300);
		keys.put(key, amount);
		return fans.charge(user, key, amount)
			.doOnNext(reply -> assertThat(reply.status()).as("charge: %s", reply).isEqualTo(201))
			.then();
	}

	/** What PostgreSQL must satisfy at every commit, checked in one snapshot. */
	private Mono<Void> moneyInvariants(List<String> users) {
		return this.db.sql("""
				SELECT
				  (SELECT count(*) FROM wallet w WHERE w.user_id = ANY(:users)
				     AND w.balance <> (SELECT coalesce(sum(l.amount), 0) FROM ledger_entry l WHERE l.user_id = w.user_id))
				    AS unbalanced,
				  (SELECT coalesce(sum(-amount), 0) FROM ledger_entry WHERE type = 'PAYMENT' AND user_id = ANY(:users)) AS paid_ledger,
				  (SELECT coalesce(sum(amount), 0) FROM payment WHERE user_id = ANY(:users)) AS paid,
				  (SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE type = 'REFUND' AND user_id = ANY(:users)) AS refunded_ledger,
				  (SELECT coalesce(sum(amount), 0) FROM refund WHERE user_id = ANY(:users)) AS refunded,
				  (SELECT count(*) FROM ledger_entry l WHERE l.user_id = ANY(:users) AND l.type = 'PAYMENT'
				     AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.reservation_id = l.reservation_id)) AS orphan_payments
				""")
			.bind("users", users.toArray(String[]::new))
			.fetch()
			.one()
			.doOnNext(row -> {
				assertThat(((Number) row.get("unbalanced")).longValue()).as("wallets whose balance is not Σ ledger").isZero();
				assertThat(((Number) row.get("paid_ledger")).longValue()).as("Σ PAYMENT entries = Σ payments")
					.isEqualTo(((Number) row.get("paid")).longValue());
				assertThat(((Number) row.get("refunded_ledger")).longValue()).as("Σ REFUND entries = Σ refunds")
					.isEqualTo(((Number) row.get("refunded")).longValue());
				assertThat(((Number) row.get("orphan_payments")).longValue()).isZero();
			})
			.then();
	}

	/** Waits until no reservation is PAYING or CANCELLING, then returns them all. */
	private List<Reservation> settled(Map<String, List<String>> owned) {
		List<String> ids = owned.values().stream().flatMap(List::stream).toList();
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> Flux.fromIterable(ids)
			.flatMap(id -> this.reservations.findOwned(id, null, true), 16)
			.all(r -> r.state() != ReservationState.PAYING && r.state() != ReservationState.CANCELLING)
			.block());
		return Flux.fromIterable(ids).flatMap(id -> this.reservations.findOwned(id, null, true), 16).collectList().block();
	}

	private void assertReservationsMatchMoneyAndSeats(List<Reservation> all, Drop drop, long seed) {
		Map<String, Long> payments = amounts("SELECT reservation_id, amount FROM payment WHERE reservation_id = ANY(:ids)", all);
		Map<String, Long> refunds = amounts("SELECT reservation_id, amount FROM refund WHERE reservation_id = ANY(:ids)", all);
		Set<Long> bought = new HashSet<>();
		long confirmedTotal = 0;
		long cancelledTotal = 0;
		int confirmed = 0;
		int cancelledAfterPurchase = 0;
		for (Reservation r : all) {
			boolean wasConfirmed = r.history().values().stream().anyMatch(t -> t.state() == ReservationState.CONFIRMED);
			if (wasConfirmed) {
				confirmedTotal += r.amount();
				assertThat(payments).as("a payment for every purchase (seed %d)", seed).containsEntry(r.id(), r.amount());
			}
			else {
				assertThat(payments).as("no payment without a purchase (seed %d)", seed).doesNotContainKey(r.id());
			}
			if (r.state() == ReservationState.CONFIRMED) {
				confirmed++;
				for (Long seat : r.seatIds()) {
					assertThat(bought.add(seat)).as("seat %d sold twice (seed %d)", seat, seed).isTrue();
				}
				assertThat(refunds).doesNotContainKey(r.id());
			}
			if (r.state() == ReservationState.CANCELLED && wasConfirmed) {
				cancelledAfterPurchase++;
				cancelledTotal += r.amount();
				assertThat(refunds).as("one refund per cancelled purchase").containsEntry(r.id(), r.amount());
			}
		}
		assertThat(payments.values().stream().mapToLong(Long::longValue).sum()).as("Σ payments").isEqualTo(confirmedTotal);
		assertThat(refunds.values().stream().mapToLong(Long::longValue).sum()).as("Σ refunds").isEqualTo(cancelledTotal);
		org.slf4j.LoggerFactory.getLogger(getClass()).info(
				"Bank run (seed {}): {} reservations, {} bought and kept, {} bought and cancelled, Σ payments {}, Σ refunds {}",
				seed, all.size(), confirmed, cancelledAfterPurchase, confirmedTotal, cancelledTotal);
		assertThat(confirmed).as("purchases (seed %d)", seed).isPositive();
		assertThat(cancelledAfterPurchase).as("cancelled purchases (seed %d)", seed).isPositive();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			Set<Long> sold = new HashSet<>();
			Drops.statuses(this.port, drop.scheduleId()).forEach((seat, status) -> {
				if ("SOLD".equals(status)) {
					sold.add(seat);
				}
			});
			assertThat(sold).as("SOLD seats are exactly the seats of CONFIRMED reservations").isEqualTo(bought);
		});
	}

	/**
	 * What the inventory's raw counters must satisfy at any instant, between scripts: nothing
	 * negative, never more held and sold than there is.
	 */
	private void unitInvariants(Drop drop, long ga) {
		Stock.Counts now = Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga);
		assertThat(now.quantity()).isEqualTo(UNITS);
		assertThat(now.held()).as("held units now: %s", now).isNotNegative();
		assertThat(now.sold()).as("sold units now: %s", now).isNotNegative();
		assertThat(now.available()).as("available units now: %s", now).isNotNegative();
	}

	/**
	 * Once settled (no hold of this run lapses: the TTL is 5 min), the counters are exactly the
	 * reservations' units: sold = units of CONFIRMED ones (so a cancelled purchase gave its
	 * units back once, and a released hold never reached sold), held = units of HELD ones;
	 * and PostgreSQL, once it has every reservation's newest version, agrees.
	 */
	private void assertUnitsMatchReservations(List<Reservation> all, Drop drop, long ga, long seed) {
		Map<String, Integer> unitsOf = new HashMap<>();
		int heldUnits = 0;
		int soldUnits = 0;
		int cancelledUnits = 0;
		for (Reservation r : all) {
			int units = 0;
			for (Reservation.Item item : r.items()) {
				assertThat(item.inventoryId()).isEqualTo(ga);
				assertThat(item.price()).isEqualTo(UNIT_PRICE);
				units += item.quantity();
			}
			assertThat(r.amount()).as("amount of %s = seats + units × price (seed %d)", r.id(), seed)
				.isEqualTo(SEAT_PRICE * r.seatIds().size() + UNIT_PRICE * units);
			if (units == 0) {
				continue;
			}
			unitsOf.put(r.id(), units);
			if (r.state() == ReservationState.HELD) {
				heldUnits += units;
			}
			else if (r.state() == ReservationState.CONFIRMED) {
				soldUnits += units;
			}
			else if (r.state() == ReservationState.CANCELLED
					&& r.history().values().stream().anyMatch(t -> t.state() == ReservationState.CONFIRMED)) {
				cancelledUnits += units;
			}
		}
		org.slf4j.LoggerFactory.getLogger(getClass()).info(
				"Bank run (seed {}): {} reservations with units, {} units held, {} sold and kept, {} bought and cancelled",
				seed, unitsOf.size(), heldUnits, soldUnits, cancelledUnits);
		assertThat(soldUnits).as("units bought and kept (seed %d)", seed).isPositive();
		assertThat(cancelledUnits).as("units bought and cancelled (seed %d)", seed).isPositive();
		Stock.Counts expected = new Stock.Counts(UNITS, heldUnits, soldUnits);
		assertThat(Stock.raw(this.redis, this.keyspace, drop.scheduleId(), ga)).as("Redis counters (seed %d)", seed)
			.isEqualTo(expected);
		assertThat(Stock.listed(this.port, drop.scheduleId(), ga)).as("listed counts (seed %d)", seed)
			.isEqualTo(expected);

		// every event of the run is relayed to Kafka and persisted after it: a run of a full verify made
		// 25,000 operations (2,565 reservations, 1,821 cancelled) and PostgreSQL had not caught up in 30 s
		long catchUp = System.nanoTime();
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			Map<String, Long> persisted = persistedVersions(all);
			Map<String, String> behind = new java.util.TreeMap<>();
			all.stream()
				.filter(r -> !Long.valueOf(r.version()).equals(persisted.get(r.id())))
				.forEach(r -> behind.put(r.id(), r.state() + " version " + r.version() + ", persisted version "
						+ persisted.get(r.id())));
			assertThat(behind).as("reservations whose last change PostgreSQL has not recorded (seed %d)", seed).isEmpty();
		});
		org.slf4j.LoggerFactory.getLogger(getClass()).info("Bank run (seed {}): PostgreSQL caught up {} ms after the run",
				seed, (System.nanoTime() - catchUp) / 1_000_000);
		Map<String, Integer> persistedUnits = new HashMap<>();
		long persistedSold = this.db.sql("""
				SELECT i.reservation_id, i.quantity, r.state FROM reservation_item i
				JOIN reservation r ON r.id = i.reservation_id WHERE i.inventory_id = :ga
				""")
			.bind("ga", ga)
			.map(row -> {
				int quantity = row.get("quantity", Integer.class);
				persistedUnits.put(row.get("reservation_id", String.class), quantity);
				return "CONFIRMED".equals(row.get("state", String.class)) ? (long) quantity : 0L;
			})
			.all()
			.reduce(0L, Long::sum)
			.block();
		assertThat(persistedUnits).as("reservation_item rows = the reservations' units (seed %d)", seed)
			.isEqualTo(unitsOf);
		assertThat(persistedSold).as("units of CONFIRMED reservations in PostgreSQL (seed %d)", seed)
			.isEqualTo(soldUnits);
	}

	/**
	 * Every fan's balance is what the fan charged less the amounts (seats and units) of the
	 * purchases the fan kept: a cancelled purchase was refunded in full, once.
	 */
	private void assertBalancesMatchAmounts(List<Reservation> all, Map<String, Map<String, Long>> credits, long seed) {
		Map<String, Long> expected = new HashMap<>();
		credits.forEach((user, keys) -> expected.put(user, keys.values().stream().mapToLong(Long::longValue).sum()));
		for (Reservation r : all) {
			if (r.state() == ReservationState.CONFIRMED) {
				expected.merge(r.userId(), -r.amount(), Long::sum);
			}
		}
		Map<String, Long> balances = new HashMap<>();
		expected.keySet().forEach(user -> balances.put(user, 0L));
		this.db.sql("SELECT user_id, balance FROM wallet WHERE user_id = ANY(:users)")
			.bind("users", expected.keySet().toArray(String[]::new))
			.map(row -> Map.entry(row.get("user_id", String.class), row.get("balance", Long.class)))
			.all()
			.doOnNext(entry -> balances.put(entry.getKey(), entry.getValue()))
			.blockLast();
		assertThat(balances).as("balances = charged − kept purchases (seed %d)", seed).isEqualTo(expected);
	}

	private Map<String, Long> persistedVersions(List<Reservation> all) {
		return this.db.sql("SELECT id, version FROM reservation WHERE id = ANY(:ids)")
			.bind("ids", all.stream().map(Reservation::id).toArray(String[]::new))
			.map(row -> Map.entry(row.get("id", String.class), row.get("version", Long.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block();
	}

	private Map<String, Long> amounts(String sql, List<Reservation> all) {
		return this.db.sql(sql)
			.bind("ids", all.stream().map(Reservation::id).toArray(String[]::new))
			.map(row -> Map.entry(row.get("reservation_id", String.class), row.get("amount", Long.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block();
	}

}
