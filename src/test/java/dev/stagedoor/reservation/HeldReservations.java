package dev.stagedoor.reservation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.data.domain.Range;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.events.OutboxKeys;
import dev.stagedoor.inventory.InventoryKeys;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reservations made by the real scripts, straight against Redis, for the script tests of
 * this and the features built on it (payment, cancellation). Each test takes a schedule of
 * its own ({@link #newSchedule()}), so tests never share a key.
 */
public final class HeldReservations {

	public static final long PRICE = 100;

	private static final AtomicLong schedules = new AtomicLong();

	private final ScriptRedis redis;

	private final ReservationScripts scripts;

	public HeldReservations(ScriptRedis redis) {
		this.redis = redis;
		this.scripts = new ReservationScripts(redis.template(), redis.keyspace());
	}

	/** A schedule id no other test of this run uses, with seats 1 to 10 on sale at {@link #PRICE}. */
	public long newSchedule() {
		long schedule = schedules.incrementAndGet();
		Map<String, String> catalog = new LinkedHashMap<>();
		for (long seat = 1; seat <= 10; seat++) {
			catalog.put(String.valueOf(seat), String.valueOf(PRICE));
		}
		this.redis.template().opsForHash().putAll(ScheduleKeys.of(this.redis.keyspace(), schedule).seats(), catalog).block();
		return schedule;
	}

	/** A HELD reservation of {@code seats} for {@code user}, for {@code ttlMillis}. */
	public Reservation hold(long schedule, String user, List<Long> seats, long ttlMillis) {
		String id = ReservationIds.next(schedule);
		ReservationScripts.Hold reply = this.scripts.hold(schedule, id, user, seats, ttlMillis, 10).block();
		assertThat(reply.status()).isEqualTo(ReservationScripts.Hold.Status.HELD);
		return find(id);
	}

	/**
	 * Puts a quantity inventory on sale in {@code schedule} (id 1000 + schedule, so one per
	 * schedule) with {@code quantity} units at {@code price}, nothing held or sold.
	 */
	public long inventoryOnSale(long schedule, int quantity, long price, int maxPerUser) {
		long inventory = 1000 + schedule;
		InventoryKeys keys = InventoryKeys.of(this.redis.keyspace(), schedule);
		this.redis.template().opsForSet().add(keys.ids(), String.valueOf(inventory)).block();
		this.redis.template()
			.opsForHash()
			.putAll(keys.inventory(inventory), Map.of("name", "GA", "quantity", String.valueOf(quantity), "price",
					String.valueOf(price), "maxPerUser", String.valueOf(maxPerUser), "held", "0", "sold", "0"))
			.block();
		return inventory;
	}

	/** A HELD reservation of {@code seats} and {@code units} of {@code inventory} for {@code user}. */
	public Reservation holdWithUnits(long schedule, String user, List<Long> seats, long inventory, int units,
			long ttlMillis) {
		String id = ReservationIds.next(schedule);
		ReservationScripts.Hold reply = this.scripts
			.hold(schedule, id, user, seats, List.of(new HoldCall.Units(inventory, units)), ttlMillis, 10)
			.block();
		assertThat(reply.status()).isEqualTo(ReservationScripts.Hold.Status.HELD);
		return find(id);
	}

	/** An inventory's hash: quantity, price, maxPerUser, held, sold (the raw counters). */
	public Map<Object, Object> inventoryCounts(long schedule, long inventory) {
		return this.redis.template()
			.opsForHash()
			.entries(InventoryKeys.of(this.redis.keyspace(), schedule).inventory(inventory))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block();
	}

	public Reservation find(String reservationId) {
		return this.scripts.find(ReservationIds.scheduleOf(reservationId).getAsLong(), reservationId).block();
	}

	/** The entries of a schedule's outbox, oldest first, each field → value in stream order. */
	public List<Map<String, String>> events(long schedule) {
		return this.redis.template()
			.opsForStream()
			.range(OutboxKeys.of(this.redis.keyspace(), schedule).outbox(), Range.unbounded())
			.map(record -> {
				Map<String, String> fields = new LinkedHashMap<>();
				record.getValue().forEach((field, value) -> fields.put((String) field, (String) value));
				return fields;
			})
			.collectList()
			.block();
	}

	/** {@code user} joins the schedule's waiting list for {@code seats} seats; the place (1 = first). */
	public long joinWaitingList(long schedule, String user, int seats) {
		WaitingListScripts.Join join = new WaitingListScripts(this.redis.template(), this.redis.keyspace())
			.join(schedule, user, seats, 0, 0, 10)
			.block();
		assertThat(join.status()).isEqualTo(WaitingListScripts.JoinStatus.JOINED);
		return join.position();
	}

	/** The reservation the schedule's waiting list offered {@code user}; null if none. */
	public Reservation offered(long schedule, String user) {
		WaitingListPlace place = new WaitingListScripts(this.redis.template(), this.redis.keyspace())
			.place(schedule, user)
			.block();
		return place == null || place.offer() == null ? null : find(place.offer());
	}

	/** A reservation id of {@code schedule} that no reservation has. */
	public static String unknownId(long schedule) {
		return ReservationIds.next(schedule);
	}

}
