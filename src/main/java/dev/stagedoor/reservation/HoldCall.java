package dev.stagedoor.reservation;

import java.util.ArrayList;
import java.util.List;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.events.OutboxKeys;
import dev.stagedoor.support.RedisKeyspace;

/**
 * One call of {@code hold_seats.lua}: the one place its KEYS and ARGV layout (documented at
 * the top of the script) is assembled, for {@link ReservationScripts} and for anything else
 * that runs the script (the benchmarks' baselines).
 *
 * @param items units of quantity inventories, one entry per inventory, in the order their
 * keys are passed
 * @param maxLapsed the seat-spinning defence's lapsed holds per schedule (0 = no cooldown)
 * @param lapseWindowMillis the window lapses are recorded for (0 when the defence is off)
 * @param waitingListContext {@link WaitingListOffers#context}, {@code ""} for no offers
 */
public record HoldCall(long scheduleId, String reservationId, String user, List<Long> seatIds, List<Units> items,
		long ttlMillis, int maxSeats, int maxLapsed, long lapseWindowMillis, String waitingListContext) {

	/** The script's name, for {@code LuaScript.load}. */
	public static final String SCRIPT = "hold_seats";

	public HoldCall {
		seatIds = List.copyOf(seatIds);
		items = List.copyOf(items);
	}

	/** A hold without the seat-spinning defence and without waiting-list offers. */
	public static HoldCall of(long scheduleId, String reservationId, String user, List<Long> seatIds,
			List<Units> items, long ttlMillis, int maxSeats) {
		return new HoldCall(scheduleId, reservationId, user, seatIds, items, ttlMillis, maxSeats, 0, 0, "");
	}

	/** Units of one inventory asked for. */
	public record Units(long inventoryId, int quantity) {
	}

	/**
	 * KEYS: seats, sold, expiry, outbox, the new reservation's hash, the user's live
	 * reservations, the user's lapses, then one hold key per seat (in {@link #seatIds} order)
	 * and per item its inventory's hash and holds zset.
	 */
	public List<String> keys(RedisKeyspace keyspace) {
		ScheduleKeys s = ScheduleKeys.of(keyspace, this.scheduleId);
		ReservationKeys r = ReservationKeys.of(keyspace, this.scheduleId);
		List<String> keys = new ArrayList<>(7 + this.seatIds.size() + 2 * this.items.size());
		keys.addAll(List.of(s.seats(), s.sold(), r.expiry(), OutboxKeys.of(keyspace, this.scheduleId).outbox(),
				r.reservation(this.reservationId), r.userLive(this.user), r.lapses(this.user)));
		List<Reservation.Item> wanted = this.items.stream()
			.map(item -> new Reservation.Item(item.inventoryId(), item.quantity(), 0))
			.toList();
		keys.addAll(ReservationHolds.of(keyspace, this.scheduleId, this.seatIds, wanted));
		return keys;
	}

	/**
	 * ARGV: user, reservation id, schedule id, hold TTL ms, max seats per user, items
	 * ({@code "inventoryId:units,..."}, {@code ""} for none), max lapsed holds, lapse window ms,
	 * waiting-list context, then the seat ids.
	 */
	public List<String> args() {
		List<String> args = new ArrayList<>(9 + this.seatIds.size());
		args.add(this.user);
		args.add(this.reservationId);
		args.add(String.valueOf(this.scheduleId));
		args.add(String.valueOf(this.ttlMillis));
		args.add(String.valueOf(this.maxSeats));
		args.add(String.join(",", this.items.stream().map(i -> i.inventoryId() + ":" + i.quantity()).toList()));
		args.add(String.valueOf(this.maxLapsed));
		args.add(String.valueOf(this.lapseWindowMillis));
		args.add(this.waitingListContext);
		this.seatIds.forEach(seat -> args.add(String.valueOf(seat)));
		return args;
	}

}
