package dev.stagedoor.payment;

import java.util.ArrayList;
import java.util.List;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.support.LuaScripts;

/** The payment transitions of a reservation, one Lua script each, and the reads they need. */
@Component
class PaymentScripts {

	private final RedisScript<List<Object>> begin = LuaScripts.load("begin_payment");

	private final RedisScript<List<Object>> confirm = LuaScripts.load("confirm_payment");

	private final RedisScript<List<Object>> fail = LuaScripts.load("fail_payment");

	private final ReactiveStringRedisTemplate redis;

	private final SeatCatalog catalog;

	PaymentScripts(ReactiveStringRedisTemplate redis, SeatCatalog catalog) {
		this.redis = redis;
		this.catalog = catalog;
	}

	Mono<List<String>> begin(Reservation reservation, long windowMillis) {
		ScheduleKeys k = this.catalog.keys(reservation.scheduleId());
		List<String> keys = new ArrayList<>(List.of(k.reservation(reservation.id()), k.paying(), k.expiry(),
				k.outbox(), k.userLive(reservation.userId())));
		reservation.seatIds().forEach(seat -> keys.add(k.hold(seat)));
		return LuaScripts.run(this.redis, this.begin, keys, List.of(reservation.userId(), String.valueOf(windowMillis)));
	}

	Mono<List<String>> confirm(Reservation reservation, long attempt) {
		ScheduleKeys k = this.catalog.keys(reservation.scheduleId());
		List<String> keys = new ArrayList<>(List.of(k.reservation(reservation.id()), k.paying(), k.expiry(), k.sold(),
				k.outbox(), k.userLive(reservation.userId())));
		reservation.seatIds().forEach(seat -> keys.add(k.hold(seat)));
		return LuaScripts.run(this.redis, this.confirm, keys, List.of(String.valueOf(attempt)));
	}

	/** {@code backToHold}: HELD again if the hold's deadline is ahead; otherwise always EXPIRED. */
	Mono<List<String>> fail(Reservation reservation, long attempt, boolean backToHold) {
		ScheduleKeys k = this.catalog.keys(reservation.scheduleId());
		List<String> keys = new ArrayList<>(List.of(k.reservation(reservation.id()), k.paying(), k.expiry(),
				k.outbox(), k.userLive(reservation.userId())));
		reservation.seatIds().forEach(seat -> keys.add(k.hold(seat)));
		return LuaScripts.run(this.redis, this.fail, keys,
				List.of(String.valueOf(attempt), backToHold ? "hold" : "expire"));
	}

	/** The attempt a PAYING reservation is in, and when it began (ms), read together. */
	Mono<Attempt> attempt(Reservation reservation) {
		return this.redis.<String, String>opsForHash()
			.multiGet(this.catalog.keys(reservation.scheduleId()).reservation(reservation.id()),
					List.of("attempt", "payingSince"))
			.filter(values -> values.get(0) != null && values.get(1) != null)
			.map(values -> new Attempt(Long.parseLong(values.get(0)), Long.parseLong(values.get(1))));
	}

	record Attempt(long number, long beganAt) {
	}

	/** Reservation ids whose payment began at or before {@code beganBefore} ms. */
	Flux<String> stalePayments(long scheduleId, long beganBefore, int limit) {
		return this.redis.opsForZSet()
			.rangeByScore(this.catalog.keys(scheduleId).paying(), Range.closed(0.0, (double) beganBefore),
					Limit.limit().count(limit))
			.map(member -> member.substring(0, member.indexOf('|')));
	}

	Flux<Long> knownSchedules() {
		return Flux.fromIterable(this.catalog.knownScheduleIds());
	}

}
