package dev.stagedoor.payment;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.events.OutboxKeys;
import dev.stagedoor.reservation.ExpiryMember;
import dev.stagedoor.reservation.ReservationHolds;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationKeys;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.StateReply;
import dev.stagedoor.reservation.WaitingListOffers;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;
import dev.stagedoor.support.ScriptReply;

/**
 * The payment transitions of a reservation, one Lua script each, the one place their
 * replies are decoded, and the reads they need.
 */
@Component
class PaymentScripts {

	private final LuaScript begin = LuaScript.load("begin_payment");

	private final LuaScript confirm = LuaScript.load("confirm_payment");

	private final LuaScript fail = LuaScript.load("fail_payment");

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	private final WaitingListOffers offers;

	/** Without waiting-list offers. */
	PaymentScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace) {
		this(redis, keyspace, WaitingListOffers.OFF);
	}

	@Autowired
	PaymentScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, WaitingListOffers offers) {
		this.redis = redis;
		this.keyspace = keyspace;
		this.offers = offers;
	}

	/** The keys the payment scripts take: reservation, paying, expiry, [sold,] outbox, user's live, then what it holds. */
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
		keys.addAll(ReservationHolds.of(this.keyspace, reservation));
		return keys;
	}

	Mono<Begin> begin(Reservation reservation, long windowMillis) {
		return this.begin
			.run(this.redis, transitionKeys(reservation, false),
					List.of(reservation.userId(), String.valueOf(windowMillis),
							this.offers.context(reservation.scheduleId())))
			.doOnNext(reply -> WaitingListOffers.logOffered(reply, "a payment of a lapsed hold"))
			.map(Begin::of);
	}

	/** {@code begin_payment.lua}'s reply; {@code attempt} only with PAYING (0 otherwise). */
	record Begin(BeginStatus status, ReservationState state, long version, long attempt) {

		static Begin of(ScriptReply reply) {
			StateReply<BeginStatus> common = StateReply.of(reply, BeginStatus.class);
			return new Begin(common.status(), common.state(), common.version(),
					common.status() == BeginStatus.PAYING ? reply.number("attempt") : 0);
		}

	}

	enum BeginStatus {

		PAYING, CONFIRMED, IN_PROGRESS, EXPIRED, INVALID_STATE, NOT_FOUND

	}

	Mono<StateReply<ConfirmStatus>> confirm(Reservation reservation, long attempt) {
		return this.confirm.run(this.redis, transitionKeys(reservation, true), List.of(String.valueOf(attempt)))
			.map(reply -> StateReply.of(reply, ConfirmStatus.class));
	}

	/** {@code confirm_payment.lua}'s statuses. */
	enum ConfirmStatus {

		CONFIRMED, ALREADY, SEATS_LOST, INVALID_STATE, NOT_FOUND

	}

	/** {@code backToHold}: HELD again if the hold's deadline is ahead; otherwise always EXPIRED. */
	Mono<StateReply<FailStatus>> fail(Reservation reservation, long attempt, boolean backToHold) {
		return this.fail
			.run(this.redis, transitionKeys(reservation, false),
					List.of(String.valueOf(attempt), backToHold ? "hold" : "expire",
							this.offers.context(reservation.scheduleId())))
			.doOnNext(reply -> WaitingListOffers.logOffered(reply, "a failed payment"))
			.map(reply -> StateReply.of(reply, FailStatus.class));
	}

	/** {@code fail_payment.lua}'s statuses. */
	enum FailStatus {

		HELD, EXPIRED, NOT_PAYING, NOT_FOUND

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
			.map(member -> ExpiryMember.parse(member).reservationId());
	}

}
