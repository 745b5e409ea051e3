package dev.stagedoor.reservation;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.catalog.Seat;
import dev.stagedoor.events.OutboxKeys;
import dev.stagedoor.inventory.InventoryKeys;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;
import dev.stagedoor.support.ScriptReply;

/** The waiting-list scripts (join, leave, place) and the one place their replies are decoded. */
@Component
class WaitingListScripts {

	private final LuaScript join = LuaScript.load("join_waiting_list");

	private final LuaScript leave = LuaScript.load("leave_waiting_list");

	private final LuaScript place = LuaScript.load("waiting_place");

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	WaitingListScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace) {
		this.redis = redis;
		this.keyspace = keyspace;
	}

	WaitingListKeys keys(long scheduleId) {
		return WaitingListKeys.of(this.keyspace, scheduleId);
	}

	/**
	 * Joins for {@code seats} seats ({@code inventoryId} 0) or for {@code units} units of an
	 * inventory ({@code seats} 0).
	 */
	Mono<Join> join(long scheduleId, String user, int seats, long inventoryId, int units, int maxSeats) {
		WaitingListKeys w = keys(scheduleId);
		ScheduleKeys s = ScheduleKeys.of(this.keyspace, scheduleId);
		ReservationKeys r = ReservationKeys.of(this.keyspace, scheduleId);
		List<String> keys = new java.util.ArrayList<>(List.of(w.list(), w.requests(), w.sequence(), w.wants(), w.freed(),
				w.offers(), s.seats(), s.sold(), r.userLive(user), OutboxKeys.of(this.keyspace, scheduleId).outbox()));
		if (inventoryId != 0) {
			InventoryKeys i = InventoryKeys.of(this.keyspace, scheduleId);
			keys.add(i.inventory(inventoryId));
			keys.add(i.holds(inventoryId));
		}
		return this.join
			.run(this.redis, keys,
					List.of(user, String.valueOf(seats), inventoryId == 0 ? "" : String.valueOf(inventoryId),
							String.valueOf(units), String.valueOf(maxSeats), this.keyspace.schedule(scheduleId)))
			.map(Join::of);
	}

	/** {@code join_waiting_list.lua}'s reply; fields a status does not carry are 0. */
	record Join(JoinStatus status, long position, long joinedAt, long available, long limit, long held) {

		static Join of(ScriptReply reply) {
			JoinStatus status = reply.status(JoinStatus.class);
			return switch (status) {
				case JOINED, ALREADY -> new Join(status, reply.number("position"), reply.number("joinedAt"), 0, 0, 0);
				case NOT_SOLD_OUT -> new Join(status, 0, 0, reply.number("available"), 0, 0);
				case LIMIT -> new Join(status, 0, 0, 0, reply.number("limit"), reply.number("held"));
				case INVENTORY_NOT_FOUND -> new Join(status, 0, 0, 0, 0, 0);
			};
		}

	}

	enum JoinStatus {

		JOINED, ALREADY, NOT_SOLD_OUT, LIMIT, INVENTORY_NOT_FOUND

	}

	/** Whether the user left (false: had no place). */
	Mono<Boolean> leave(long scheduleId, String user) {
		WaitingListKeys w = keys(scheduleId);
		return this.leave
			.run(this.redis, List.of(w.list(), w.requests(), w.wants(), OutboxKeys.of(this.keyspace, scheduleId).outbox()),
					List.of(user, this.keyspace.schedule(scheduleId)))
			.map(reply -> {
				if ("LEFT".equals(reply.status())) {
					return true;
				}
				if ("NOT_IN_LIST".equals(reply.status())) {
					return false;
				}
				throw reply.unexpected("unknown status '" + reply.status() + "'");
			});
	}

	/** The user's place or offer; empty when neither. */
	Mono<WaitingListPlace> place(long scheduleId, String user) {
		WaitingListKeys w = keys(scheduleId);
		return this.place.run(this.redis, List.of(w.list(), w.requests(), w.offers()), List.of(user)).flatMap(reply -> {
			switch (reply.status()) {
				case "WAITING":
					long seats = reply.number("seats");
					long inventory = reply.number("inventoryId");
					return Mono.just(new WaitingListPlace(reply.number("position"),
							java.time.Instant.ofEpochMilli(reply.number("joinedAt")), reply.number("waiting"),
							seats == 0 ? null : (int) seats, inventory == 0 ? null : inventory,
							inventory == 0 ? null : (int) reply.number("quantity"), null));
				case "OFFERED":
					return Mono.just(new WaitingListPlace(null, null, null, null, null, null,
							reply.text("reservationId")));
				case "NOT_IN_LIST":
					return Mono.empty();
				default:
					return Mono.error(reply.unexpected("unknown status '" + reply.status() + "'"));
			}
		});
	}

	/** Writes seat id → section once per schedule, for best-fit offers (idempotent). */
	Mono<Boolean> publishSections(long scheduleId, List<Seat> seats) {
		String key = keys(scheduleId).sections();
		Map<String, String> sections = seats.stream()
			.collect(Collectors.toMap(seat -> String.valueOf(seat.id()), Seat::section));
		return this.redis.hasKey(key)
			.flatMap(exists -> exists || sections.isEmpty() ? Mono.just(false)
					: this.redis.<String, String>opsForHash().putAll(key, sections));
	}

}
