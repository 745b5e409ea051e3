package dev.stagedoor.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;

/**
 * Schedules and their seats. A schedule never changes after creation, so each instance
 * keeps the ones it has seen in memory; Redis holds the on-sale copy of the catalog
 * ({@code publish_schedule.lua}); {@code ScheduleRecovery} republishes it at start-up and
 * rebuilds schedules that Redis lost.
 */
@Component
public class SeatCatalog {

	private final Map<Long, Mono<Schedule>> schedules = new ConcurrentHashMap<>();

	private final LuaScript publish = LuaScript.load("publish_schedule");

	private final ScheduleRepository repository;

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	SeatCatalog(ScheduleRepository repository, ReactiveStringRedisTemplate redis, RedisKeyspace keyspace) {
		this.repository = repository;
		this.redis = redis;
		this.keyspace = keyspace;
	}

	/** The schedule with its seats; empty if there is none. */
	public Mono<Schedule> schedule(long scheduleId) {
		Mono<Schedule> cached = this.schedules.get(scheduleId);
		if (cached != null) {
			return cached;
		}
		return this.repository.findById(scheduleId).doOnNext(s -> this.schedules.put(scheduleId, Mono.just(s)));
	}

	public ScheduleKeys keys(long scheduleId) {
		return ScheduleKeys.of(this.keyspace, scheduleId);
	}

	/** Puts the schedule's seats on sale in Redis; idempotent. */
	public Mono<Schedule> publish(Schedule schedule) {
		ScheduleKeys keys = keys(schedule.id());
		List<String> args = new ArrayList<>(2 + 2 * schedule.seats().size());
		args.add(String.valueOf(schedule.concertId()));
		args.add(schedule.cancelDeadline() == null ? "" : String.valueOf(schedule.cancelDeadline().toEpochMilli()));
		schedule.seats().forEach(seat -> {
			args.add(String.valueOf(seat.id()));
			args.add(String.valueOf(seat.price()));
		});
		return this.publish.run(this.redis, List.of(keys.seats(), keys.meta()), args).map(reply -> {
			if (!"OK".equals(reply.status())) {
				throw reply.unexpected("unknown status '" + reply.status() + "'");
			}
			this.schedules.put(schedule.id(), Mono.just(schedule));
			return schedule;
		});
	}

	/** Every schedule this instance knows: all at start-up, plus those created or read since. */
	public Set<Long> knownScheduleIds() {
		return this.schedules.keySet();
	}

	/** Every schedule in PostgreSQL. */
	public Flux<Long> allScheduleIds() {
		return this.repository.allIds();
	}

	/** Picks up schedules created by other instances. */
	public Mono<Void> refresh() {
		return this.repository.allIds()
			.filter(id -> !this.schedules.containsKey(id))
			.concatMap(this::schedule)
			.then();
	}

}
