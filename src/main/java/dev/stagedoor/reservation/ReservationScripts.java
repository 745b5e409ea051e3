package dev.stagedoor.reservation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.events.OutboxKeys;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;
import dev.stagedoor.support.ScriptReply;

/**
 * The reservation state scripts, each loaded once, the one place their replies are decoded,
 * and the plain reads next to them.
 */
@Component
class ReservationScripts {

	private static final Logger log = LoggerFactory.getLogger(ReservationScripts.class);

	private final LuaScript hold = LuaScript.load(HoldCall.SCRIPT);

	private final LuaScript release = LuaScript.load("release_hold");

	private final LuaScript expire = LuaScript.load("expire_holds");

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	private final LapseProperties lapses;

	private final WaitingListOffers offers;

	/** Without the seat-spinning defence: nothing is recorded, no hold is refused for it. */
	ReservationScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace) {
		this(redis, keyspace, LapseProperties.OFF);
	}

	/** Without waiting-list offers. */
	ReservationScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, LapseProperties lapses) {
		this(redis, keyspace, lapses, WaitingListOffers.OFF);
	}

	@Autowired
	ReservationScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, LapseProperties lapses,
			WaitingListOffers offers) {
		this.redis = redis;
		this.keyspace = keyspace;
		this.lapses = lapses;
		this.offers = offers;
	}

	ReservationKeys keys(long scheduleId) {
		return ReservationKeys.of(this.keyspace, scheduleId);
	}

	/** Holds seats only. */
	Mono<Hold> hold(long scheduleId, String reservationId, String user, List<Long> seatIds, long ttlMillis,
			int maxSeats) {
		return hold(scheduleId, reservationId, user, seatIds, List.of(), ttlMillis, maxSeats);
	}

	Mono<Hold> hold(long scheduleId, String reservationId, String user, List<Long> seatIds,
			List<HoldCall.Units> items, long ttlMillis, int maxSeats) {
		HoldCall call = new HoldCall(scheduleId, reservationId, user, seatIds, items, ttlMillis, maxSeats,
				this.lapses.maxLapsedPerSchedule(), this.lapses.windowMillis(), this.offers.context(scheduleId));
		return this.hold.run(this.redis, call.keys(this.keyspace), call.args()).map(Hold::of);
	}

	/**
	 * {@code hold_seats.lua}'s reply; the fields a status does not carry are 0 or empty.
	 * {@code ids} are seat ids or inventory ids, as the status says; {@code held} and
	 * {@code limits} are per inventory in {@code ids} order for INVENTORY_LIMIT; for COOLDOWN
	 * {@code alreadyHeld} is the number of lapsed holds and {@code retryAfterMs} the wait.
	 */
	record Hold(Status status, long heldUntil, long amount, long createdAt, List<Reservation.Item> items,
			List<Long> ids, int alreadyHeld, List<Long> held, List<Long> limits, long retryAfterMs) {

		enum Status {

			HELD, NOT_FOUND, INVENTORY_NOT_FOUND, UNAVAILABLE, INVENTORY_UNAVAILABLE, LIMIT, INVENTORY_LIMIT,
			DUPLICATE_ID, COOLDOWN

		}

		static Hold of(ScriptReply reply) {
			Status status = reply.status(Status.class);
			return switch (status) {
				case HELD -> new Hold(status, reply.number("heldUntil"), reply.number("amount"),
						reply.number("createdAt"), Reservation.Item.parse(reply.text("items")), List.of(), 0,
						List.of(), List.of(), 0);
				case NOT_FOUND, UNAVAILABLE -> failed(status, reply.ids("seatIds"));
				case INVENTORY_NOT_FOUND, INVENTORY_UNAVAILABLE -> failed(status, reply.ids("inventoryIds"));
				case LIMIT -> new Hold(status, 0, 0, 0, List.of(), List.of(), Math.toIntExact(reply.number("held")),
						List.of(), List.of(), 0);
				case INVENTORY_LIMIT -> new Hold(status, 0, 0, 0, List.of(), reply.ids("inventoryIds"), 0,
						reply.ids("held"), reply.ids("limits"), 0);
				case DUPLICATE_ID -> failed(status, List.of());
				case COOLDOWN -> new Hold(status, 0, 0, 0, List.of(), List.of(),
						Math.toIntExact(reply.number("lapsed")), List.of(), List.of(), reply.number("retryAfterMs"));
			};
		}

		/** The seats NOT_FOUND or UNAVAILABLE names. */
		List<Long> seatIds() {
			return this.status == Status.NOT_FOUND || this.status == Status.UNAVAILABLE ? this.ids : List.of();
		}

		private static Hold failed(Status status, List<Long> ids) {
			return new Hold(status, 0, 0, 0, List.of(), ids, 0, List.of(), List.of(), 0);
		}

	}

	Mono<StateReply<ReleaseStatus>> release(Reservation reservation, String user) {
		ReservationKeys k = keys(reservation.scheduleId());
		List<String> keys = new ArrayList<>(List.of(k.reservation(reservation.id()), k.expiry(),
				outbox(reservation.scheduleId()), k.userLive(user), k.lapses(user)));
		keys.addAll(ReservationHolds.of(this.keyspace, reservation));
		return this.release
			.run(this.redis, keys, List.of(user, String.valueOf(this.lapses.windowMillis()),
					this.offers.context(reservation.scheduleId())))
			.doOnNext(reply -> WaitingListOffers.logOffered(reply, "a release"))
			.map(reply -> StateReply.of(reply, ReleaseStatus.class));
	}

	/** {@code release_hold.lua}'s statuses. */
	enum ReleaseStatus {

		CANCELLED, ALREADY, EXPIRED, INVALID_STATE, NOT_FOUND

	}

	/** Marks up to {@code limit} lapsed holds of a schedule EXPIRED; emits how many. */
	Mono<Long> expireDue(long scheduleId, long nowMillis, int limit) {
		ReservationKeys k = keys(scheduleId);
		return this.redis.opsForZSet()
			.rangeByScore(k.expiry(), Range.closed(0.0, (double) nowMillis), Limit.limit().count(limit))
			.collectList()
			.filter(due -> !due.isEmpty())
			.flatMap(due -> {
				List<String> keys = new ArrayList<>(List.of(k.expiry(), outbox(scheduleId)));
				List<String> args = new ArrayList<>(
						List.of(String.valueOf(scheduleId), String.valueOf(this.lapses.windowMillis()),
								this.offers.context(scheduleId)));
				for (String candidate : due) {
					ExpiryMember member = ExpiryMember.parse(candidate);
					keys.add(k.reservation(member.reservationId()));
					keys.add(k.userLive(member.userId()));
					keys.add(k.lapses(member.userId()));
					args.add(candidate);
				}
				return this.expire.run(this.redis, keys, args)
					.doOnNext(reply -> WaitingListOffers.logOffered(reply, "an expiry"))
					.map(ReservationScripts::expired)
					.map(expired -> {
						expired.forEach(
								(id, user) -> log.info("Expired: reservation {}, user {} (the hold lapsed)", id, user));
						return (long) expired.size();
					});
			})
			.defaultIfEmpty(0L);
	}

	/**
	 * {@code expire_holds.lua}'s reply: reservation id → user of each reservation expired now
	 * (without the {@code offered} field, see {@link WaitingListOffers#logOffered}).
	 */
	static Map<String, String> expired(ScriptReply reply) {
		if (!"DONE".equals(reply.status())) {
			throw reply.unexpected("unknown status '" + reply.status() + "'");
		}
		Map<String, String> expired = new java.util.LinkedHashMap<>(reply.fields());
		expired.remove("offered");
		return expired;
	}

	Mono<Reservation> find(long scheduleId, String reservationId) {
		return this.redis.<String, String>opsForHash()
			.entries(keys(scheduleId).reservation(reservationId))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.filter(hash -> hash.containsKey("state"))
			.map(Reservation::fromHash);
	}

	private String outbox(long scheduleId) {
		return OutboxKeys.of(this.keyspace, scheduleId).outbox();
	}

}
