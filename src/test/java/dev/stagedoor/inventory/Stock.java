package dev.stagedoor.inventory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.support.RedisKeyspace;

/** Test set-up and raw reads of quantity inventories. */
public final class Stock {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private Stock() {
	}

	/** Creates an inventory through the admin API; returns its id. */
	public static long create(int port, long scheduleId, String name, int quantity, long price, int maxPerUser) {
		return StagedoorClient.on(port)
			.createInventory(TestTokens.admin("admin"), scheduleId, name, quantity, price, maxPerUser)
			.block(TIMEOUT)
			.expect(201)
			.number("id");
	}

	/**
	 * The raw counters in Redis right now (quantity, held, sold), without ageing lapsed holds:
	 * what a concurrent reader could see at any instant.
	 */
	public static Counts raw(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, long scheduleId, long inventoryId) {
		List<String> values = redis.<String, String>opsForHash()
			.multiGet(InventoryKeys.of(keyspace, scheduleId).inventory(inventoryId), List.of("quantity", "held", "sold"))
			.block();
		return new Counts(Integer.parseInt(values.get(0)), Integer.parseInt(values.get(1)),
				Integer.parseInt(values.get(2)));
	}

	/** The counts the public API shows (lapsed holds' units returned first). */
	public static Counts listed(int port, long scheduleId, long inventoryId) {
		List<Map<String, Object>> listed = StagedoorClient.on(port)
			.inventories(TestTokens.user("watcher"), scheduleId)
			.block(TIMEOUT)
			.expect(200)
			.objects();
		Map<String, Object> one = listed.stream()
			.filter(i -> ((Number) i.get("id")).longValue() == inventoryId)
			.findFirst()
			.orElseThrow();
		return new Counts((Integer) one.get("quantity"), (Integer) one.get("held"), (Integer) one.get("sold"));
	}

	public record Counts(int quantity, int held, int sold) {

		public int available() {
			return this.quantity - this.held - this.sold;
		}

	}

}
