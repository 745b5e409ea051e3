package dev.stagedoor.queue;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

import dev.stagedoor.support.RedisKeyspace;
import reactor.core.publisher.Mono;

/**
 * A waiting room that lives only in Redis, for the start-up warm-up to enter and poll through
 * the real HTTP handling: its concert id is negative (real concerts get positive ids from a
 * sequence) and random per instance, so instances warming up together never share one. No
 * admission job knows it, so its fans stay WAITING; {@link #remove} deletes every key.
 */
@Component
public class WarmupRoom {

	private final QueueScripts scripts;

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	WarmupRoom(QueueScripts scripts, ReactiveStringRedisTemplate redis, RedisKeyspace keyspace) {
		this.scripts = scripts;
		this.redis = redis;
		this.keyspace = keyspace;
	}

	/** Opens a new warm-up room and answers its concert id (negative). */
	public Mono<Long> open() {
		long concertId = -1 - ThreadLocalRandom.current().nextLong(1L << 40);
		return this.scripts.configure(concertId, new QueueSettings(1, 1, Duration.ofMinutes(1))).thenReturn(concertId);
	}

	/** Deletes every key of the warm-up room {@code concertId}. */
	public Mono<Void> remove(long concertId) {
		if (concertId >= 0) {
			return Mono.error(new IllegalArgumentException("not a warm-up room: " + concertId));
		}
		return this.redis.delete(QueueKeys.of(this.keyspace, concertId).all().toArray(String[]::new)).then();
	}

	/** Whether any key of the room {@code concertId} exists. */
	public Mono<Boolean> exists(long concertId) {
		return this.redis.countExistingKeys(QueueKeys.of(this.keyspace, concertId).all()).map(n -> n > 0);
	}

}
