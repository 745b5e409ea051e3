package dev.stagedoor.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.reservation.HoldCall;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;

/**
 * The seed essays' ways to hold a seat, against the same PostgreSQL, next to Stagedoor's
 * Lua script against the same Redis, each driven from Java with the same concurrency:
 * <ul>
 * <li>pessimistic: {@code SELECT … FOR UPDATE}, then UPDATE, in one transaction;</li>
 * <li>optimistic: read the version, {@code UPDATE … WHERE version = ?}, re-read and retry
 * (up to 5 times) when another writer won;</li>
 * <li>Lua: {@code hold_seats.lua} by EVALSHA (the raw Redis limit of the HTTP path).</li>
 * </ul>
 * Hot: many attempts at once on one seat (exactly one must win). Spread: each attempt on its
 * own seat.
 */
final class HoldBaselines {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final ReactiveStringRedisTemplate redis;

	private final LuaScript hold = LuaScript.load(HoldCall.SCRIPT);

	private final RedisKeyspace keyspace;

	HoldBaselines(DatabaseClient db, TransactionalOperator tx, ReactiveStringRedisTemplate redis,
			RedisKeyspace keyspace) {
		this.db = db;
		this.tx = tx;
		this.redis = redis;
		this.keyspace = keyspace;
	}

	/** Creates {@code seats} AVAILABLE rows in a table of its own. */
	void prepareTable(int seats) {
		this.db.sql("""
				CREATE TABLE IF NOT EXISTS bench_seat (id BIGINT PRIMARY KEY, status VARCHAR(16) NOT NULL,
				    holder VARCHAR(64), version BIGINT NOT NULL)""").then().block();
		this.db.sql("TRUNCATE bench_seat").then().block();
		this.db.sql("INSERT INTO bench_seat SELECT g, 'AVAILABLE', NULL, 0 FROM generate_series(1, :n) g")
			.bind("n", seats)
			.then()
			.block();
	}

	Mono<Boolean> pessimistic(long seat, String user) {
		return this.db.sql("SELECT status FROM bench_seat WHERE id = :id FOR UPDATE")
			.bind("id", seat)
			.map(row -> row.get("status", String.class))
			.one()
			.flatMap(status -> !"AVAILABLE".equals(status) ? Mono.just(false)
					: this.db.sql("UPDATE bench_seat SET status = 'HELD', holder = :u WHERE id = :id")
						.bind("u", user)
						.bind("id", seat)
						.fetch()
						.rowsUpdated()
						.map(n -> n == 1))
			.as(this.tx::transactional);
	}

	Mono<Boolean> optimistic(long seat, String user) {
		return optimistic(seat, user, 0);
	}

	private Mono<Boolean> optimistic(long seat, String user, int retries) {
		return this.db.sql("SELECT status, version FROM bench_seat WHERE id = :id")
			.bind("id", seat)
			.map(row -> Map.entry(row.get("status", String.class), row.get("version", Long.class)))
			.one()
			.flatMap(read -> !"AVAILABLE".equals(read.getKey()) ? Mono.just(false)
					: this.db.sql("""
							UPDATE bench_seat SET status = 'HELD', holder = :u, version = version + 1
							WHERE id = :id AND version = :v""")
						.bind("u", user)
						.bind("id", seat)
						.bind("v", read.getValue())
						.fetch()
						.rowsUpdated()
						.flatMap(n -> n == 1 ? Mono.just(true)
								: retries >= 5 ? Mono.just(false) : optimistic(seat, user, retries + 1)));
	}

	Mono<Boolean> lua(long scheduleId, long seat, String user) {
		String reservation = scheduleId + "-b" + Long.toString(System.nanoTime(), 36) + user.hashCode();
		// no items, no seat-spinning cooldown, no waiting-list offers: the seat only
		HoldCall call = HoldCall.of(scheduleId, reservation, user, List.of(seat), List.of(), 300_000, 4);
		return this.hold.run(this.redis, call.keys(this.keyspace), call.args())
			.map(reply -> "HELD".equals(reply.status()));
	}

	/**
	 * Runs {@code attempts} attempts, {@code concurrency} at a time; {@code attempt} gets the
	 * attempt number. Reports attempts/s, latency percentiles and the number of winners.
	 */
	static Map<String, Object> measure(int attempts, int concurrency, Function<Integer, Mono<Boolean>> attempt) {
		long[] latencies = new long[attempts];
		AtomicInteger winners = new AtomicInteger();
		long start = System.nanoTime();
		Flux.range(0, attempts)
			.flatMap(i -> Mono.defer(() -> {
				long began = System.nanoTime();
				return attempt.apply(i).doOnNext(won -> {
					latencies[i] = System.nanoTime() - began;
					if (won) {
						winners.incrementAndGet();
					}
				});
			}), concurrency)
			.blockLast();
		double seconds = (System.nanoTime() - start) / 1e9;
		Arrays.sort(latencies);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("attempts", attempts);
		result.put("concurrency", concurrency);
		result.put("winners", winners.get());
		result.put("seconds", Recorder.round(seconds * 10) / 10);
		result.put("attemptsPerSecond", Math.round(attempts / seconds));
		result.put("p50Ms", Recorder.percentile(latencies, 0.50));
		result.put("p99Ms", Recorder.percentile(latencies, 0.99));
		return result;
	}

	static List<String> users(String prefix, int count) {
		List<String> users = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			users.add(prefix + "-" + i);
		}
		return users;
	}

}
