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
import dev.stagedoor.events.OutboxKeys;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationKeys;
import dev.stagedoor.support.LuaScripts;
import dev.stagedoor.support.RedisKeyspace;

/** The payment transitions of a reservation, one Lua script each, and the reads they need. */
@Component
class PaymentScripts {

	private final RedisScript<List<Object>> begin = LuaScripts.load("begin_payment");

	private final RedisScript<List<Object>> confirm = LuaScripts.load("confirm_payment");

	private final RedisScript<List<Object>> fail = LuaScripts.load("fail_payment");

	private final ReactiveStringRedisTemplate redis;

	private final SeatCatalog catalog;

	private final RedisKeyspace keyspace;

	PaymentScripts(ReactiveStringRedisTemplate redis, SeatCatalog catalog, RedisKeyspace keyspace) {
		this.redis = redis;
		this.catalog = catalog;
		this.keyspace = keyspace;
	}

	/** The keys begin and fail take: reservation, paying, expiry, outbox, user's live, then the holds. */
	private List<String> transitionKeys(Reservation reservation, boolean withSold) {
		long schedule = reservation.scheduleId();
		ScheduleKeys s = ScheduleKeys.of(this.keyspace, schedule);
		ReservationKeys r = ReservationKeys.of(this.keyspace, schedule);
		List<String> keys = new ArrayList<>(List.of(r.reservation(reservation.id()),
				PaymentKeys.of(this.keyspace, schedule).paying(), r.expiry()));
		if (withSold) {
			keys.add(s.sold());
		}
		keys.add(OutboxKeys.of(this.keyspace, schedule).outbox());
		keys.add(r.userLive(reservation.userId()));
		reservation.seatIds().forEach(seat -> keys.add(s.hold(seat)));
		return keys;
	}

	Mono<List<String>> begin(Reservation reservation, long windowMillis) {
		return LuaScripts.run(this.redis, this.begin, transitionKeys(reservation, false), List.of(reservation.userId(), String.valueOf(windowMillis)));
	}

	Mono<List<String>> confirm(Reservation reservation, long attempt) {
		return LuaScripts.run(this.redis, this.confirm, transitionKeys(reservation, true), List.of(String.valueOf(attempt)));
	}

	/** {@code backToHold}: HELD again if the hold's deadline is ahead; otherwise always EXPIRED. */
	Mono<List<String>> fail(Reservation reservation, long attempt, boolean backToHold) {
		return LuaScripts.run(this.redis, this.fail, transitionKeys(reservation, false),
				List.of(String.valueOf(attempt), backToHold ? "hold" : "expire"));
	}

	/** The attempt a PAYING reservation is in, and when it began (ms), read together. */
	Mono<Attempt> attempt(Reservation reservation) {
		return this.redis.<String, String>opsForHash()
			.multiGet(ReservationKeys.of(this.keyspace, reservation.scheduleId()).reservation(reservation.id()),
					List.of("attempt", "payingSince"))
			.filter(values -> values.get(0) != null && values.get(1) != null)
			.map(values -> new Attempt(Long.parseLong(values.get(0)), Long.parseLong(values.get(1))));
	}

	record Attempt(long number, long beganAt) {
	}

	/** Reservation ids whose payment began at or before {@code beganBefore} ms. */
	Flux<String> stalePayments(long scheduleId, long beganBefore, int limit) {
		return this.redis.opsForZSet()
			.rangeByScore(PaymentKeys.of(this.keyspace, scheduleId).paying(), Range.closed(0.0, (double) beganBefore),
					Limit.limit().count(limit))
			.map(member -> member.substring(0, member.indexOf('|')));
	}

	Flux<Long> knownSchedules() {
		return Flux.fromIterable(this.catalog.knownScheduleIds());
	}

}
