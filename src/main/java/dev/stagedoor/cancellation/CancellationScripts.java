package dev.stagedoor.cancellation;

import java.util.List;
import java.util.Map;

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

/** The cancellation transitions of a bought reservation, one Lua script each. */
@Component
class CancellationScripts {

	private final RedisScript<List<Object>> request = LuaScripts.load("request_cancellation");

	private final RedisScript<List<Object>> complete = LuaScripts.load("complete_cancellation");

	private final ReactiveStringRedisTemplate redis;

	private final SeatCatalog catalog;

	private final RedisKeyspace keyspace;

	CancellationScripts(ReactiveStringRedisTemplate redis, SeatCatalog catalog, RedisKeyspace keyspace) {
		this.redis = redis;
		this.catalog = catalog;
		this.keyspace = keyspace;
	}

	private String cancelling(long scheduleId) {
		return CancellationKeys.of(this.keyspace, scheduleId).cancelling();
	}

	Mono<List<String>> request(Reservation reservation, String user) {
		long schedule = reservation.scheduleId();
		return LuaScripts.run(this.redis, this.request,
				List.of(ReservationKeys.of(this.keyspace, schedule).reservation(reservation.id()),
						ScheduleKeys.of(this.keyspace, schedule).meta(), cancelling(schedule),
						OutboxKeys.of(this.keyspace, schedule).outbox()),
				List.of(user));
	}

	Mono<List<String>> complete(Reservation reservation) {
		long schedule = reservation.scheduleId();
		ReservationKeys r = ReservationKeys.of(this.keyspace, schedule);
		return LuaScripts.run(this.redis, this.complete,
				List.of(r.reservation(reservation.id()), cancelling(schedule),
						ScheduleKeys.of(this.keyspace, schedule).sold(), OutboxKeys.of(this.keyspace, schedule).outbox(),
						r.userLive(reservation.userId())),
				List.of());
	}

	/** Up to {@code limit} cancellations per known schedule requested at or before {@code requestedBefore} ms: id → requested at. */
	Flux<Map.Entry<String, Long>> requestedBefore(long requestedBefore, int limit) {
		return Flux.fromIterable(this.catalog.knownScheduleIds())
			.flatMap(schedule -> this.redis.opsForZSet()
				.rangeByScoreWithScores(cancelling(schedule),
						Range.closed(0.0, (double) requestedBefore), Limit.limit().count(limit)), 8)
			.map(tuple -> Map.entry(tuple.getValue().substring(0, tuple.getValue().indexOf('|')),
					tuple.getScore().longValue()));
	}

	/** How many cancellations of known schedules were requested at or before {@code requestedBefore} ms. */
	Mono<Long> countRequestedBefore(long requestedBefore) {
		return Flux.fromIterable(this.catalog.knownScheduleIds())
			.flatMap(schedule -> this.redis.opsForZSet()
				.count(cancelling(schedule), Range.closed(0.0, (double) requestedBefore)), 8)
			.reduce(0L, Long::sum);
	}

}
