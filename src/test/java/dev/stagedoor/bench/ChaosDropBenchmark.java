package dev.stagedoor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.events.OutboxKeys;
import dev.stagedoor.inventory.Stock;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.StoredReservations;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chaos drop (issue 18): the ticket drop of {@link TicketDropDriver} against the
 * {@code bench/cluster} topology (3 instances behind HAProxy, a 3 + 3 Redis Cluster, a Kafka
 * broker, one PostgreSQL database) while {@code bench/cluster/chaos.sh} kills an instance, a
 * Redis master, stops the broker and cuts PostgreSQL at seeded random moments. Once the chaos
 * has healed and the stores are at rest it checks, from the stores themselves:
 * <ul>
 * <li>no seat in two CONFIRMED reservations (PostgreSQL and Redis), the seat map's SOLD seats
 * are the seats of CONFIRMED reservations, the units sold are the units of CONFIRMED
 * reservations and add up with held and available to the quantity;</li>
 * <li>every debit belongs to exactly one CONFIRMED reservation or was refunded, every CONFIRMED
 * reservation was paid once, and balance = Σ ledger for every wallet;</li>
 * <li>the CONFIRMED reservations in Redis and in PostgreSQL are the same, at the same version;</li>
 * <li>the schedule's outbox drained, no reservation left PAYING or CANCELLING;</li>
 * </ul>
 * and counts the holds the driver was told about (201) that no store knows any more: what a
 * Redis failover lost. Not part of {@code ./mvnw verify} (no Tests suffix); run it with
 * {@code bench/cluster/chaos-drop.sh SEED}, which brings the topology up and down. The report
 * goes to {@code target/bench/chaos-<seed>.json}.
 */
class ChaosDropBenchmark {

	private static final Logger log = LoggerFactory.getLogger(ChaosDropBenchmark.class);

	private static final int FRONT = Integer.getInteger("stagedoor.chaos.front-port", 8180);

	private static final long SEED = Long.getLong("stagedoor.chaos.seed", 1);

	private static final int CHAOS_SECONDS = Integer.getInteger("stagedoor.chaos.seconds", 150);

	// Sized so the sale lasts about as long as the chaos on a 2-core VM that also runs 3
	// instances, 6 Redis nodes, a broker and HAProxy: with 8,000 seats and 40 admissions a
	// second, each admitted fan's seat map (status=AVAILABLE) was ~780 KB and the run became
	// CPU-bound (p50 of every request 15-20 s), which measured the VM, not the faults.
	private static final int FANS = Integer.getInteger("stagedoor.chaos.fans", 3_000);

	private static final int ARRIVALS = Integer.getInteger("stagedoor.chaos.arrivals", 20);

	private static final int SEATS = Integer.getInteger("stagedoor.chaos.seats", 3_000);

	private static final int ADMIT = Integer.getInteger("stagedoor.chaos.admit", 15);

	private static final double UNIT_SHARE = Double.parseDouble(System.getProperty("stagedoor.chaos.unit-share", "0.2"));

	private static final String DATABASE = System.getProperty("stagedoor.chaos.database", "stagedoor_cluster");

	private static final int REDIS_PORT = Integer.getInteger("stagedoor.chaos.redis-port", 7100);

	private static final RedisKeyspace KEYSPACE = new RedisKeyspace("");

	@Test
	void chaosDrop() throws Exception {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("startedAt", Instant.now().toString());
		report.put("seed", SEED);
		report.put("chaosSeconds", CHAOS_SECONDS);
		long concert = Concerts.create(FRONT, "chaos drop " + SEED + " " + Instant.now());
		// maxActive well above admitPerSecond: an admitted fan keeps its active place until it
		// has polled (up to a minute when it waited far back), bought and left; with maxActive
		// = admitPerSecond the room admitted ~0.6 fans a second in the first run
		Concerts.configureQueue(FRONT, concert, ADMIT * 60, ADMIT, 600);
		int perRow = 50;
		long schedule = Drops.schedule(FRONT, concert, (SEATS + perRow - 1) / perRow, perRow, null);
		long inventory = Stock.create(FRONT, schedule, "GA", Math.max(1, SEATS / 2), 60, 2);
		report.put("drop", Map.of("concert", concert, "schedule", schedule, "inventory", inventory, "fans", FANS,
				"arrivalsPerSecond", ARRIVALS, "seats", SEATS, "admitPerSecond", ADMIT, "unitShare", UNIT_SHARE));

		Path out = Path.of("target", "bench");
		Files.createDirectories(out);
		Path chaosLog = out.resolve("chaos-" + SEED + ".log");
		ProcessBuilder chaosCommand = new ProcessBuilder("bench/cluster/chaos.sh", String.valueOf(SEED),
				String.valueOf(CHAOS_SECONDS))
			.redirectErrorStream(true)
			.redirectOutput(chaosLog.toFile());
		// a Redis kill hits the master of the drop's schedule or of its waiting room
		chaosCommand.environment().put("KEYS", KEYSPACE.schedule(schedule) + "," + KEYSPACE.root("c", concert));
		log.info("Chaos drop, seed {}: {} fans at {}/s, {} seats, chaos for {} s (log {})", SEED, FANS, ARRIVALS, SEATS,
				CHAOS_SECONDS, chaosLog.toAbsolutePath());
		Process chaos = chaosCommand.start();

		Recorder recorder = new Recorder();
		TicketDropDriver driver = new TicketDropDriver(FRONT, recorder, concert, schedule, 0.1, inventory, UNIT_SHARE)
			.retryFaults();
		driver.run(FANS, ARRIVALS, "chaos-" + SEED).block(Duration.ofMinutes(20));
		log.info("Drop over after {} s; waiting for the chaos to heal", Recorder.round(recorder.secondsSinceStart()));
		assertThat(chaos.waitFor(15, TimeUnit.MINUTES)).as("chaos script finished").isTrue();
		report.put("chaos", Files.readAllLines(chaosLog));
		assertThat(chaos.exitValue()).as("chaos script healed everything (see " + chaosLog + ")").isZero();

		Map<String, Object> driven = new LinkedHashMap<>();
		driven.put("seconds", Recorder.round(recorder.secondsSinceStart()));
		driven.put("soldOutAfterSeconds", driver.soldOutSeconds());
		driven.put("holdsAcknowledged", driver.reservations.size());
		driven.put("purchases", driver.confirmed.get());
		driven.put("cancelledPurchases", driver.cancelled.get());
		driven.put("fansStoppedByAnError", driver.errors.get());
		driven.put("fansWhoEnteredAgain", driver.reentered.get());
		Map<String, Integer> retried = new TreeMap<>();
		driver.retried.forEach((operation, count) -> retried.put(operation, count.get()));
		driven.put("requestsAskedAgainAfterAFault", retried);
		report.put("driver", driven);
		report.put("latency", recorder.latencySummary());

		Map<String, Object> checks = new LinkedHashMap<>();
		report.put("checks", checks);
		try (RedisClusterClient client = RedisClusterClient.create(IntStream.range(0, 6)
			.mapToObj(i -> RedisURI.create("127.0.0.1", REDIS_PORT + i))
			.toList()); StatefulRedisClusterConnection<String, String> connection = client.connect();
				Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DATABASE, "postgres",
						"")) {
			RedisAdvancedClusterCommands<String, String> redis = connection.sync();
			Map<String, Reservation> inRedis = atRest(redis, db, schedule, checks);
			check(checks, inRedis, db, schedule, inventory, driver);
		}
		finally {
			Path file = out.resolve("chaos-" + SEED + ".json");
			Files.writeString(file, JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(report));
			log.info("Report: {}", file.toAbsolutePath());
		}
		List<String> failed = checks.entrySet()
			.stream()
			.filter(e -> e.getValue() instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("ok")))
			.map(Map.Entry::getKey)
			.toList();
		assertThat(failed).as("failed checks (report in target/bench/chaos-" + SEED + ".json)").isEmpty();
	}

	/**
	 * Waits until the schedule is at rest: no reservation PAYING or CANCELLING in Redis (the
	 * recovery jobs finish what the faults cut short), the outbox drained into Kafka, and every
	 * reservation's version in PostgreSQL equal to Redis's; returns Redis's reservations.
	 */
	private Map<String, Reservation> atRest(RedisAdvancedClusterCommands<String, String> redis, Connection db,
			long schedule, Map<String, Object> checks) {
		long began = System.nanoTime();
		Map<String, Object> rest = new LinkedHashMap<>();
		checks.put("atRest", rest);
		try {
			await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).until(() -> StoredReservations
				.ofSchedule(redis, KEYSPACE, schedule)
				.values()
				.stream()
				.noneMatch(r -> r.state() == ReservationState.PAYING || r.state() == ReservationState.CANCELLING));
			rest.put("noPayingOrCancellingAfterSeconds", seconds(began));
			String outbox = OutboxKeys.of(KEYSPACE, schedule).outbox();
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> drained(redis, outbox));
			rest.put("outboxDrainedAfterSeconds", seconds(began));
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
				.until(() -> versionsBehind(StoredReservations.ofSchedule(redis, KEYSPACE, schedule), db, schedule).isEmpty());
			rest.put("postgresCaughtUpAfterSeconds", seconds(began));
			rest.put("ok", true);
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			rest.put("ok", false);
			rest.put("detail", ex.getMessage());
		}
		return StoredReservations.ofSchedule(redis, KEYSPACE, schedule);
	}

	private void check(Map<String, Object> checks, Map<String, Reservation> inRedis, Connection db, long schedule,
			long inventory, TicketDropDriver driver) throws SQLException {
		Map<String, PgReservation> inPg = pgReservations(db, schedule);

		// no reservation stuck
		List<String> stuck = new ArrayList<>();
		inRedis.values()
			.stream()
			.filter(r -> r.state() == ReservationState.PAYING || r.state() == ReservationState.CANCELLING)
			.forEach(r -> stuck.add("redis " + r.id() + " " + r.state()));
		inPg.values()
			.stream()
			.filter(r -> r.state().equals("PAYING") || r.state().equals("CANCELLING"))
			.forEach(r -> stuck.add("postgres " + r.id() + " " + r.state()));
		checks.put("noReservationStuck", result(stuck.isEmpty(), stuck));

		// no seat sold twice, in either store
		List<Long> redisTwice = twice(confirmedSeats(inRedis));
		checks.put("noSeatSoldTwiceRedis", result(redisTwice.isEmpty(), redisTwice));
		List<Long> pgTwice = longs(db, """
				SELECT rs.seat_id FROM reservation_seat rs JOIN reservation r ON r.id = rs.reservation_id
				WHERE r.schedule_id = ? AND r.state = 'CONFIRMED' GROUP BY rs.seat_id HAVING count(*) > 1""", schedule);
		checks.put("noSeatSoldTwicePostgres", result(pgTwice.isEmpty(), pgTwice));

		// the seat map (what fans see) agrees with the CONFIRMED reservations
		Map<Long, String> statuses = driver.seatStatuses().block(Duration.ofSeconds(30));
		Set<Long> sold = new TreeSet<>();
		statuses.forEach((seat, status) -> {
			if ("SOLD".equals(status)) {
				sold.add(seat);
			}
		});
		Set<Long> bought = new TreeSet<>(confirmedSeats(inRedis));
		Map<String, Object> seatMap = new LinkedHashMap<>();
		seatMap.put("soldSeats", sold.size());
		seatMap.put("seatsOfConfirmedReservations", bought.size());
		checks.put("soldSeatsAreConfirmedSeats", result(sold.equals(bought), seatMap));

		// units: sold = units of CONFIRMED reservations, held + sold + available = quantity
		Map<String, Object> counts = driver.inventoryCounts().block(Duration.ofSeconds(30));
		int confirmedUnits = inRedis.values()
			.stream()
			.filter(r -> r.state() == ReservationState.CONFIRMED)
			.flatMap(r -> r.items().stream())
			.mapToInt(Reservation.Item::quantity)
			.sum();
		long pgUnits = longs(db, """
				SELECT coalesce(sum(i.quantity), 0) FROM reservation_item i JOIN reservation r ON r.id = i.reservation_id
				WHERE r.schedule_id = ? AND r.state = 'CONFIRMED' AND i.inventory_id = ?""", schedule, inventory).get(0);
		Map<String, Object> units = new LinkedHashMap<>(counts);
		units.put("unitsOfConfirmedReservationsRedis", confirmedUnits);
		units.put("unitsOfConfirmedReservationsPostgres", pgUnits);
		int quantity = (Integer) counts.get("quantity");
		checks.put("unitsAddUp", result((Integer) counts.get("sold") == confirmedUnits && pgUnits == confirmedUnits
				&& (Integer) counts.get("available") >= 0
				&& (Integer) counts.get("held") + (Integer) counts.get("sold") + (Integer) counts.get("available") == quantity,
				units));

		// Redis and PostgreSQL hold the same CONFIRMED reservations, at the same versions
		Set<String> confirmedRedis = ids(inRedis.values().stream().filter(r -> r.state() == ReservationState.CONFIRMED).map(Reservation::id));
		Set<String> confirmedPg = ids(inPg.values().stream().filter(r -> r.state().equals("CONFIRMED")).map(PgReservation::id));
		Map<String, Object> same = new LinkedHashMap<>();
		same.put("confirmedRedis", confirmedRedis.size());
		same.put("confirmedPostgres", confirmedPg.size());
		same.put("onlyInRedis", difference(confirmedRedis, confirmedPg));
		same.put("onlyInPostgres", difference(confirmedPg, confirmedRedis));
		List<String> behind = versionsBehind(inRedis, db, schedule);
		same.put("versionsDiffering", behind);
		checks.put("confirmedSameInRedisAndPostgres", result(confirmedRedis.equals(confirmedPg) && behind.isEmpty(), same));

		// money: every debit is one CONFIRMED reservation's or refunded; every CONFIRMED one paid once
		List<String> debits = strings(db, """
				SELECT l.reservation_id || ' ' || coalesce(r.state, 'unknown') FROM ledger_entry l
				LEFT JOIN reservation r ON r.id = l.reservation_id
				WHERE l.type = 'PAYMENT' AND (r.schedule_id = ? OR r.id IS NULL)
				  AND coalesce(r.state, '') <> 'CONFIRMED'
				  AND NOT EXISTS (SELECT 1 FROM ledger_entry f WHERE f.type = 'REFUND' AND f.reservation_id = l.reservation_id)""",
				schedule);
		checks.put("everyDebitConfirmedOrRefunded", result(debits.isEmpty(), debits));
		List<String> unpaid = strings(db, """
				SELECT r.id || ' payments ' || (SELECT count(*) FROM ledger_entry l WHERE l.type = 'PAYMENT' AND l.reservation_id = r.id)
				       || ' refunds ' || (SELECT count(*) FROM ledger_entry l WHERE l.type = 'REFUND' AND l.reservation_id = r.id)
				FROM reservation r WHERE r.schedule_id = ? AND r.state = 'CONFIRMED'
				  AND ((SELECT count(*) FROM ledger_entry l WHERE l.type = 'PAYMENT' AND l.reservation_id = r.id) <> 1
				    OR EXISTS (SELECT 1 FROM ledger_entry l WHERE l.type = 'REFUND' AND l.reservation_id = r.id)
				    OR NOT EXISTS (SELECT 1 FROM payment p WHERE p.reservation_id = r.id AND p.amount = r.amount))""",
				schedule);
		checks.put("everyConfirmedPaidOnce", result(unpaid.isEmpty(), unpaid));
		List<String> wallets = strings(db, """
				SELECT w.user_id || ' balance ' || w.balance || ' ledger ' || coalesce(sum(l.amount), 0)
				FROM wallet w LEFT JOIN ledger_entry l ON l.user_id = w.user_id
				GROUP BY w.user_id, w.balance HAVING w.balance <> coalesce(sum(l.amount), 0)""");
		Map<String, Object> balance = new LinkedHashMap<>();
		balance.put("wallets", longs(db, "SELECT count(*) FROM wallet").get(0));
		balance.put("differing", wallets);
		checks.put("balanceIsSumOfLedger", result(wallets.isEmpty(), balance));

		// what the faults lost: holds acknowledged with 201 that no store knows
		Set<String> acknowledged = new TreeSet<>(driver.reservations);
		Set<String> lost = new TreeSet<>(acknowledged);
		lost.removeAll(inRedis.keySet());
		lost.removeAll(inPg.keySet());
		Set<String> onlyInPg = new TreeSet<>(acknowledged);
		onlyInPg.removeAll(inRedis.keySet());
		onlyInPg.retainAll(inPg.keySet());
		Map<String, Object> holds = new LinkedHashMap<>();
		holds.put("acknowledged", acknowledged.size());
		holds.put("lostEverywhere", lost);
		holds.put("goneFromRedisKeptInPostgres", onlyInPg);
		checks.put("holdsLost", holds);
	}

	/** Outbox drained: the relay group has nothing pending and has read up to the stream's last entry. */
	private static boolean drained(RedisAdvancedClusterCommands<String, String> redis, String outbox) {
		if (redis.exists(outbox) == 0) {
			return true;
		}
		String last = String.valueOf(pairs(redis.xinfoStream(outbox)).get("last-generated-id"));
		for (Object group : redis.xinfoGroups(outbox)) {
			Map<String, Object> info = pairs((List<?>) group);
			if ("relay".equals(String.valueOf(info.get("name")))) {
				return ((Number) info.get("pending")).longValue() == 0 && last.equals(String.valueOf(info.get("last-delivered-id")));
			}
		}
		return false;
	}

	private static Map<String, Object> pairs(List<?> flat) {
		Map<String, Object> map = new HashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			map.put(String.valueOf(flat.get(i)), flat.get(i + 1));
		}
		return map;
	}

	/** Reservations whose version in PostgreSQL is not Redis's (missing there counts too). */
	private static List<String> versionsBehind(Map<String, Reservation> inRedis, Connection db, long schedule)
			throws SQLException {
		Map<String, PgReservation> inPg = pgReservations(db, schedule);
		List<String> behind = new ArrayList<>();
		for (Reservation r : inRedis.values()) {
			PgReservation pg = inPg.get(r.id());
			if (pg == null || pg.version() != r.version()) {
				behind.add(r.id() + " redis v" + r.version() + " postgres " + (pg == null ? "none" : "v" + pg.version()));
			}
		}
		return behind;
	}

	private record PgReservation(String id, String state, long version) {
	}

	private static Map<String, PgReservation> pgReservations(Connection db, long schedule) throws SQLException {
		Map<String, PgReservation> found = new HashMap<>();
		try (PreparedStatement query = db.prepareStatement("SELECT id, state, version FROM reservation WHERE schedule_id = ?")) {
			query.setLong(1, schedule);
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					found.put(rows.getString(1), new PgReservation(rows.getString(1), rows.getString(2), rows.getLong(3)));
				}
			}
		}
		return found;
	}

	private static List<Long> longs(Connection db, String sql, Object... args) throws SQLException {
		List<Long> values = new ArrayList<>();
		for (Object value : rows(db, sql, args)) {
			values.add(((Number) value).longValue());
		}
		return values;
	}

	private static List<String> strings(Connection db, String sql, Object... args) throws SQLException {
		return rows(db, sql, args).stream().map(String::valueOf).toList();
	}

	private static List<Object> rows(Connection db, String sql, Object... args) throws SQLException {
		try (PreparedStatement query = db.prepareStatement(sql)) {
			for (int i = 0; i < args.length; i++) {
				query.setObject(i + 1, args[i]);
			}
			List<Object> values = new ArrayList<>();
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					values.add(rows.getObject(1));
				}
			}
			return values;
		}
	}

	private static List<Long> confirmedSeats(Map<String, Reservation> reservations) {
		return reservations.values()
			.stream()
			.filter(r -> r.state() == ReservationState.CONFIRMED)
			.flatMap(r -> r.seatIds().stream())
			.toList();
	}

	private static List<Long> twice(List<Long> seats) {
		Set<Long> seen = new HashSet<>();
		return seats.stream().filter(seat -> !seen.add(seat)).distinct().toList();
	}

	private static Set<String> ids(java.util.stream.Stream<String> ids) {
		return new TreeSet<>(ids.toList());
	}

	private static Set<String> difference(Set<String> a, Set<String> b) {
		Set<String> left = new TreeSet<>(a);
		left.removeAll(b);
		return left;
	}

	private static Map<String, Object> result(boolean ok, Object detail) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("ok", ok);
		result.put("detail", detail);
		return result;
	}

	private static double seconds(long sinceNanos) {
		return Recorder.round((System.nanoTime() - sinceNanos) / 1e9);
	}

}
