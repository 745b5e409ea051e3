package dev.stagedoor.reservation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.ScheduleKeys;
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

	private final LuaScript hold = LuaScript.load("hold_seats");

	private final LuaScript release = LuaScript.load("release_hold");

	private final LuaScript expire = LuaScript.load("expire_holds");

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	ReservationScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace) {
		this.redis = redis;
		this.keyspace = keyspace;
	}

	ReservationKeys keys(long scheduleId) {
		return ReservationKeys.of(this.keyspace, scheduleId);
	}

	Mono<Hold> hold(long scheduleId, String reservationId, String user, List<Long> seatIds, long ttlMillis,
			int maxSeats) {
		ScheduleKeys s = ScheduleKeys.of(this.keyspace, scheduleId);
		ReservationKeys k = keys(scheduleId);
		List<String> keys = new ArrayList<>(List.of(s.seats(), s.sold(), k.expiry(), outbox(scheduleId),
				k.reservation(reservationId), k.userLive(user)));
		List<String> args = new ArrayList<>(List.of(user, reservationId, String.valueOf(scheduleId),
				String.valueOf(ttlMillis), String.valueOf(maxSeats)));
		for (Long seat : seatIds) {
			keys.add(s.hold(seat));
			args.add(String.valueOf(seat));
		}
		return this.hold.run(this.redis, keys, args).map(Hold::of);
	}

	/** {@code hold_seats.lua}'s reply; the fields a status does not carry are 0 or empty. */
	record Hold(Status status, long heldUntil, long amount, long createdAt, List<Long> seatIds, int alreadyHeld) {

		enum Status {

			HELD, NOT_FOUND, UNAVAILABLE, LIMIT, DUPLICATE_ID

		}

		static Hold of(ScriptReply reply) {
			Status status = reply.status(Status.class);
			return switch (status) {
				case HELD -> new Hold(status, reply.number("heldUntil"), reply.number("amount"),
						reply.number("createdAt"), List.of(), 0);
				case NOT_FOUND, UNAVAILABLE -> new Hold(status, 0, 0, 0, reply.ids("seatIds"), 0);
				case LIMIT -> new Hold(status, 0, 0, 0, List.of(), Math.toIntExact(reply.number("held")));
				case DUPLICATE_ID -> new Hold(status, 0, 0, 0, List.of(), 0);
			};
		}

	}

	Mono<StateReply<ReleaseStatus>> release(Reservation reservation, String user) {
		ScheduleKeys s = ScheduleKeys.of(this.keyspace, reservation.scheduleId());
		ReservationKeys k = keys(reservation.scheduleId());
		List<String> keys = new ArrayList<>(List.of(k.reservation(reservation.id()), k.expiry(),
				outbox(reservation.scheduleId()), k.userLive(user)));
		reservation.seatIds().forEach(seat -> keys.add(s.hold(seat)));
		return this.release.run(this.redis, keys, List.of(user))
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
				List<String> args = new ArrayList<>(List.of(String.valueOf(scheduleId)));
				for (String candidate : due) {
					ExpiryMember member = ExpiryMember.parse(candidate);
					keys.add(k.reservation(member.reservationId()));
					keys.add(k.userLive(member.userId()));
					args.add(candidate);
				}
				return this.expire.run(this.redis, keys, args).map(ReservationScripts::expired).map(expired -> {
					expired.forEach((id, user) -> log.info("Expired: reservation {}, user {} (the hold lapsed)", id, user));
					return (long) expired.size();
				});
			})
			.defaultIfEmpty(0L);
	}

	/** {@code expire_holds.lua}'s reply: reservation id → user of each reservation expired now. */
	static Map<String, String> expired(ScriptReply reply) {
		if (!"DONE".equals(reply.status())) {
			throw reply.unexpected("unknown status '" + reply.status() + "'");
		}
		return reply.fields();
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
