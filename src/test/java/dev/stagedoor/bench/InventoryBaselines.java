package dev.stagedoor.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.reservation.HoldCall;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;

/**
 * The seed essays' ways to reserve units of a quantity inventory
 * ({@code Inventory(id, total_quantity, reserved_quantity, version)}), against PostgreSQL,
 * for the drop benchmark's comparison with Stagedoor's Lua hold. A cart is a list of
 * inventory ids, one unit each; a cart is all or nothing.
 * <ul>
 * <li>pessimistic: {@code SELECT … FOR UPDATE} on the rows (in id order, so carts cannot
 * deadlock), then UPDATE, in one transaction (essay 003);</li>
 * <li>optimistic: read the versions, {@code UPDATE … WHERE version = ?} per row in one
 * transaction, and on a lost race roll back, re-read and retry until it succeeds (essays
 * 001/004); every try is counted;</li>
 * <li>single statement: {@code UPDATE … SET reserved = reserved + 1 WHERE reserved + 1 <= total}
 * per row in one transaction, rolled back if a row had no units left;</li>
 * <li>Lua: {@code hold_seats.lua} by EVALSHA with the cart as items, exactly as the HTTP path
 * runs it (a HELD reservation, its event, the units' deadlines in the holds zsets).</li>
 * </ul>
 */
final class InventoryBaselines {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	private final LuaScript hold = LuaScript.load(HoldCall.SCRIPT);

	/** Every optimistic try, won or lost. */
	final AtomicLong optimisticTries = new AtomicLong();

	InventoryBaselines(DatabaseClient db, TransactionalOperator tx, ReactiveStringRedisTemplate redis,
			RedisKeyspace keyspace) {
		this.db = db;
		this.tx = tx;
		this.redis = redis;
		this.keyspace = keyspace;
	}

	/** The Lua hold of one unit of each inventory in {@code cart} for a user of its own. */
	Mono<Boolean> lua(long scheduleId, List<Long> cart, String user) {
		String reservation = scheduleId + "-i" + Long.toString(System.nanoTime(), 36) + (user.hashCode() & 0xffff);
		// one unit of each inventory of the cart; no seat-spinning cooldown, no waiting-list offers
		HoldCall call = HoldCall.of(scheduleId, reservation, user, List.of(),
				cart.stream().map(id -> new HoldCall.Units(id, 1)).toList(), 300_000, 4);
		return this.hold.run(this.redis, call.keys(this.keyspace), call.args())
			.map(reply -> "HELD".equals(reply.status()));
	}

	/** A table of its own with {@code count} inventories of {@code total} units each, none reserved. */
	void prepare(int count, int total) {
		this.db.sql("""
				CREATE TABLE IF NOT EXISTS bench_inventory (id BIGINT PRIMARY KEY, total_quantity INTEGER NOT NULL,
				    reserved_quantity INTEGER NOT NULL, version BIGINT NOT NULL)""").then().block();
		this.db.sql("TRUNCATE bench_inventory").then().block();
		this.db.sql("INSERT INTO bench_inventory SELECT g, :total, 0, 0 FROM generate_series(1, :n) g")
			.bind("total", total)
			.bind("n", count)
			.then()
			.block();
	}

	/** Units reserved over all inventories (to check that every success took exactly its units). */
	long reserved() {
		return this.db.sql("SELECT coalesce(sum(reserved_quantity), 0) AS r FROM bench_inventory")
			.map(row -> row.get("r", Long.class))
			.one()
			.block();
	}

	Mono<Boolean> pessimistic(List<Long> cart) {
		return Flux.fromIterable(cart.stream().sorted().toList())
			.concatMap(id -> this.db.sql("SELECT total_quantity - reserved_quantity AS left FROM bench_inventory "
					+ "WHERE id = :id FOR UPDATE").bind("id", id).map(row -> row.get("left", Integer.class)).one())
			.all(left -> left >= 1)
			.flatMap(enough -> !enough ? Mono.just(false)
					: Flux.fromIterable(cart)
						.concatMap(id -> this.db
							.sql("UPDATE bench_inventory SET reserved_quantity = reserved_quantity + 1 WHERE id = :id")
							.bind("id", id)
							.fetch()
							.rowsUpdated())
						.then(Mono.just(true)))
			.as(this.tx::transactional);
	}

	Mono<Boolean> optimistic(List<Long> cart) {
		return Mono.defer(() -> {
			this.optimisticTries.incrementAndGet();
			return Flux.fromIterable(cart)
				.concatMap(id -> this.db
					.sql("SELECT total_quantity - reserved_quantity AS left, version FROM bench_inventory WHERE id = :id")
					.bind("id", id)
					.map(row -> new long[] { id, row.get("left", Integer.class), row.get("version", Long.class) })
					.one())
				.collectList()
				.flatMap(rows -> {
					if (rows.stream().anyMatch(r -> r[1] < 1)) {
						return Mono.just(false);
					}
					return Flux.fromIterable(rows)
						.concatMap(r -> this.db.sql("""
								UPDATE bench_inventory SET reserved_quantity = reserved_quantity + 1, version = version + 1
								WHERE id = :id AND version = :v""")
							.bind("id", r[0])
							.bind("v", r[2])
							.fetch()
							.rowsUpdated()
							.flatMap(n -> n == 1 ? Mono.just(n) : Mono.error(new LostRace())))
						.then(Mono.just(true));
				})
				.as(this.tx::transactional);
		}).retryWhen(reactor.util.retry.Retry.indefinitely().filter(LostRace.class::isInstance));
	}

	Mono<Boolean> singleStatement(List<Long> cart) {
		return Flux.fromIterable(cart)
			.concatMap(id -> this.db.sql("""
					UPDATE bench_inventory SET reserved_quantity = reserved_quantity + 1
					WHERE id = :id AND reserved_quantity + 1 <= total_quantity""")
				.bind("id", id)
				.fetch()
				.rowsUpdated()
				.flatMap(n -> n == 1 ? Mono.just(n) : Mono.error(new SoldOut())))
			.then(Mono.just(true))
			.as(this.tx::transactional)
			.onErrorReturn(SoldOut.class::isInstance, false);
	}

	/** Another writer changed a row between the read and the update: roll back and try again. */
	private static final class LostRace extends RuntimeException {

		LostRace() {
			super(null, null, false, false);
		}

	}

	/** A row had no unit left: roll the cart back. */
	private static final class SoldOut extends RuntimeException {

		SoldOut() {
			super(null, null, false, false);
		}

	}

}
