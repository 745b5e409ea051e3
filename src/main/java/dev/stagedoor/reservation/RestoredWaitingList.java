package dev.stagedoor.reservation;

import java.util.ArrayList;
import java.util.List;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.Schedule;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;

/**
 * The rebuild's entry point for a schedule's waiting list: the fans PostgreSQL recorded as
 * still waiting go back in their join order ({@code restore_waiting_list.lua}), with the
 * sections the offers fit seats by.
 */
@Component
public class RestoredWaitingList {

	private final LuaScript restore = LuaScript.load("restore_waiting_list");

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	private final WaitingListScripts scripts;

	RestoredWaitingList(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, WaitingListScripts scripts) {
		this.redis = redis;
		this.keyspace = keyspace;
		this.scripts = scripts;
	}

	/** One recorded place: join number, user, request ({@code s:<seats>} or {@code i:<id>:<units>}), joined at ms. */
	public record Entry(long joinNumber, String userId, String request, long joinedAt) {
	}

	/** Emits how many fans were put back. */
	public Mono<Long> restore(Schedule schedule, List<Entry> entries) {
		if (entries.isEmpty()) {
			return Mono.just(0L);
		}
		WaitingListKeys w = WaitingListKeys.of(this.keyspace, schedule.id());
		List<String> args = new ArrayList<>(3 * entries.size());
		for (Entry entry : entries) {
			args.add(String.valueOf(entry.joinNumber()));
			args.add(entry.userId());
			args.add(entry.request() + ":" + entry.joinedAt());
		}
		return this.scripts.publishSections(schedule.id(), schedule.seats())
			.then(this.restore.run(this.redis, List.of(w.list(), w.requests(), w.sequence(), w.wants()), args))
			.map(reply -> {
				if (!"RESTORED".equals(reply.status())) {
					throw reply.unexpected("unknown status '" + reply.status() + "'");
				}
				return reply.number("restored");
			});
	}

}
