package dev.stagedoor.reservation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.events.OutboxKeys;
import dev.stagedoor.support.LuaScripts;
import dev.stagedoor.support.RedisKeyspace;

/** The reservation state scripts, each loaded once, and the plain reads next to them. */
@Component
class ReservationScripts {

	private static final Logger log = LoggerFactory.getLogger(ReservationScripts.class);

	private final RedisScript<List<Object>> hold = LuaScripts.load("hold_seats");

	private final RedisScript<List<Object>> release = LuaScripts.load("release_hold");

	private final RedisScript<List<Object>> expire = LuaScripts.load("expire_holds");

	private final ReactiveStringRedisTemplate redis;

	private final SeatCatalog catalog;

	private final RedisKeyspace keyspace;

	ReservationScripts(ReactiveStringRedisTemplate redis, SeatCatalog catalog, RedisKeyspace keyspace) {
		this.redis = redis;
		this.catalog = catalog;
		this.keyspace = keyspace;
	}

	ReservationKeys keys(long scheduleId) {
		return ReservationKeys.of(this.keyspace, scheduleId);
	}

	Mono<List<String>> hold(long scheduleId, String reservationId, String user, List<Long> seatIds, long ttlMillis,
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
		return LuaScripts.run(this.redis, this.hold, keys, args);
	}

	Mono<List<String>> release(Reservation reservation, String user) {
		ScheduleKeys s = ScheduleKeys.of(this.keyspace, reservation.scheduleId());
		ReservationKeys k = keys(reservation.scheduleId());
		List<String> keys = new ArrayList<>(List.of(k.reservation(reservation.id()), k.expiry(),
				outbox(reservation.scheduleId()), k.userLive(user)));
		reservation.seatIds().forEach(seat -> keys.add(s.hold(seat)));
		return LuaScripts.run(this.redis, this.release, keys, List.of(user));
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
				for (String member : due) {
					int bar = member.indexOf('|');
					keys.add(k.reservation(member.substring(0, bar)));
					keys.add(k.userLive(member.substring(bar + 1)));
					args.add(member);
				}
				return LuaScripts.run(this.redis, this.expire, keys, args).map(expired -> {
					for (String member : expired) {
						int bar = member.indexOf('|');
						log.info("Expired: reservation {}, user {} (the hold lapsed)", member.substring(0, bar),
								member.substring(bar + 1));
					}
					return (long) expired.size();
				});
			})
			.defaultIfEmpty(0L);
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

	Flux<Long> knownSchedules() {
		return Flux.fromIterable(this.catalog.knownScheduleIds());
	}

}
