package dev.stagedoor.cancellation;

import java.util.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
import dev.stagedoor.reservation.StateReply;
import dev.stagedoor.reservation.WaitingListOffers;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;

/**
 * The cancellation transitions of a bought reservation, one Lua script each, and the one
 * place their replies are decoded.
 */
@Component
class CancellationScripts {

	private final LuaScript request = LuaScript.load("request_cancellation");

	private final LuaScript complete = LuaScript.load("complete_cancellation");

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	private final WaitingListOffers offers;

	/** Without waiting-list offers. */
	CancellationScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace) {
		this(redis, keyspace, WaitingListOffers.OFF);
	}

	@Autowired
	CancellationScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, WaitingListOffers offers) {
		this.redis = redis;
		this.keyspace = keyspace;
		this.offers = offers;
	}

	private String cancelling(long scheduleId) {
		return CancellationKeys.of(this.keyspace, scheduleId).cancelling();
	}

	Mono<StateReply<RequestStatus>> request(Reservation reservation, String user) {
		long schedule = reservation.scheduleId();
		return this.request
			.run(this.redis,
					List.of(ReservationKeys.of(this.keyspace, schedule).reservation(reservation.id()),
							ScheduleKeys.of(this.keyspace, schedule).meta(), cancelling(schedule),
							OutboxKeys.of(this.keyspace, schedule).outbox()),
					List.of(user))
			.map(reply -> StateReply.of(reply, RequestStatus.class));
	}

	/** {@code request_cancellation.lua}'s statuses. */
	enum RequestStatus {

		CANCELLING, ALREADY, DEADLINE_PASSED, INVALID_STATE, NOT_FOUND

	}

	Mono<StateReply<CompleteStatus>> complete(Reservation reservation) {
		long schedule = reservation.scheduleId();
		ReservationKeys r = ReservationKeys.of(this.keyspace, schedule);
		List<String> keys = new ArrayList<>(List.of(r.reservation(reservation.id()), cancelling(schedule),
				ScheduleKeys.of(this.keyspace, schedule).sold(), OutboxKeys.of(this.keyspace, schedule).outbox(),
				r.userLive(reservation.userId())));
		keys.addAll(ReservationHolds.units(this.keyspace, schedule, reservation.items()));
		return this.complete.run(this.redis, keys, List.of(this.offers.context(schedule)))
			.doOnNext(reply -> WaitingListOffers.logOffered(reply, "a cancellation"))
			.map(reply -> StateReply.of(reply, CompleteStatus.class));
	}

	/** {@code complete_cancellation.lua}'s statuses. */
	enum CompleteStatus {

		CANCELLED, ALREADY, INVALID_STATE, NOT_FOUND

	}

	/**
	 * Up to {@code limit} cancellations per schedule requested at or before
	 * {@code requestedBefore} ms: id → requested at.
	 */
	Flux<Map.Entry<String, Long>> requestedBefore(Collection<Long> schedules, long requestedBefore, int limit) {
		return Flux.fromIterable(schedules)
			.flatMap(schedule -> this.redis.opsForZSet()
				.rangeByScoreWithScores(cancelling(schedule), Range.closed(0.0, (double) requestedBefore),
						Limit.limit().count(limit)), 8)
			.map(tuple -> Map.entry(ExpiryMember.parse(tuple.getValue()).reservationId(), tuple.getScore().longValue()));
	}

	/** How many cancellations of these schedules were requested at or before {@code requestedBefore} ms. */
	Mono<Long> countRequestedBefore(Collection<Long> schedules, long requestedBefore) {
		return Flux.fromIterable(schedules)
			.flatMap(schedule -> this.redis.opsForZSet()
				.count(cancelling(schedule), Range.closed(0.0, (double) requestedBefore)), 8)
			.reduce(0L, Long::sum);
	}

}
