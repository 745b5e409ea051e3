package dev.stagedoor.inventory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.support.LuaScripts;
import dev.stagedoor.support.RedisKeyspace;

/**
 * A schedule's quantity inventories: created in PostgreSQL, put on sale in Redis, and read
 * with their live counts. Counts are served from a per-schedule snapshot at most
 * {@link #MAX_AGE} old, so however many fans watch a schedule's inventories it costs one
 * script call per period.
 */
@Component
public class Inventories {

	static final Duration MAX_AGE = Duration.ofMillis(250);

	private static final TypeReference<List<InventoryView.Counted>> COUNTED = new TypeReference<>() {
	};

	private final RedisScript<List<Object>> publish = LuaScripts.load("publish_inventory");

	/** Replies one JSON document (a string), so it is loaded with the prelude but read as a string. */
	private final RedisScript<String> counts = RedisScript.of(LuaScripts.source("inventory_counts"), String.class);

	private final Map<Long, Snapshot> snapshots = new ConcurrentHashMap<>();

	private final InventoryRepository repository;

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	private final JsonMapper json;

	Inventories(InventoryRepository repository, ReactiveStringRedisTemplate redis, RedisKeyspace keyspace,
			JsonMapper json) {
		this.repository = repository;
		this.redis = redis;
		this.keyspace = keyspace;
		this.json = json;
	}

	public InventoryKeys keys(long scheduleId) {
		return InventoryKeys.of(this.keyspace, scheduleId);
	}

	/** Creates the inventory and puts it on sale; empty when the schedule does not exist. */
	Mono<Inventory> create(long scheduleId, String name, int quantity, long price, int maxPerUser) {
		return this.repository.insert(scheduleId, name, quantity, price, maxPerUser)
			.flatMap(inventory -> publish(inventory).doOnSuccess(done -> this.snapshots.remove(scheduleId)));
	}

	/** Puts every inventory of a schedule on sale again (idempotent: held and sold units stay). */
	public Mono<Void> publishAll(long scheduleId) {
		return this.repository.ofSchedule(scheduleId).concatMap(this::publish).then();
	}

	private Mono<Inventory> publish(Inventory inventory) {
		InventoryKeys keys = keys(inventory.scheduleId());
		return LuaScripts
			.run(this.redis, this.publish, List.of(keys.ids(), keys.inventory(inventory.id())),
					List.of(String.valueOf(inventory.id()), inventory.name(), String.valueOf(inventory.quantity()),
							String.valueOf(inventory.price()), String.valueOf(inventory.maxPerUser())))
			.thenReturn(inventory);
	}

	/** The schedule's inventories with their counts, at most {@link #MAX_AGE} old, in id order. */
	public Mono<List<InventoryView>> list(long scheduleId) {
		long now = System.nanoTime();
		Snapshot current = this.snapshots.get(scheduleId);
		if (current != null && now - current.builtAt < MAX_AGE.toNanos()) {
			return current.views;
		}
		Snapshot fresh = new Snapshot(read(scheduleId).cache(), now);
		Snapshot winner = this.snapshots.compute(scheduleId,
				(id, existing) -> existing != null && existing != current && now - existing.builtAt < MAX_AGE.toNanos()
						? existing : fresh);
		return winner.views;
	}

	/** Reads the counts now, returning lapsed holds' units first. */
	Mono<List<InventoryView>> read(long scheduleId) {
		InventoryKeys keys = keys(scheduleId);
		return this.redis.opsForSet().members(keys.ids()).map(Long::valueOf).sort().collectList().flatMap(ids -> {
			if (ids.isEmpty()) {
				return Mono.just(List.<InventoryView>of());
			}
			List<String> keyList = new ArrayList<>(2 * ids.size());
			List<String> args = new ArrayList<>(ids.size());
			for (long id : ids) {
				keyList.add(keys.inventory(id));
				keyList.add(keys.holds(id));
				args.add(String.valueOf(id));
			}
			return this.redis.execute(this.counts, keyList, args)
				.next()
				.map(reply -> this.json.readValue(reply, COUNTED).stream().map(InventoryView.Counted::view).toList());
		});
	}

	/** Follows a schedule's inventories: the list, then only what changed, at most every {@link #MAX_AGE}. */
	Flux<List<InventoryView>> changes(long scheduleId) {
		List<InventoryView>[] last = new List[1];
		return Flux.interval(Duration.ZERO, MAX_AGE)
			.onBackpressureDrop()
			.concatMap(tick -> list(scheduleId))
			.concatMap(views -> {
				List<InventoryView> previous = last[0];
				last[0] = views;
				if (previous == null) {
					return Flux.just(views);
				}
				List<InventoryView> changed = views.stream().filter(view -> !previous.contains(view)).toList();
				return changed.isEmpty() ? Flux.empty() : Flux.just(changed);
			});
	}

	private record Snapshot(Mono<List<InventoryView>> views, long builtAt) {
	}

}
