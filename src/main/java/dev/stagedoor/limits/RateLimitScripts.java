package dev.stagedoor.limits;

import java.util.List;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.limits.RateLimitProperties.Bucket;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;
import dev.stagedoor.support.ScriptReply;

/** {@code take_token.lua} and {@code return_token.lua}, loaded once, and the one place their replies are decoded. */
@Component
class RateLimitScripts {

	private final LuaScript take = LuaScript.load("take_token");

	private final LuaScript giveBack = LuaScript.load("return_token");

	private final ReactiveStringRedisTemplate redis;

	private final RateLimitKeys keys;

	RateLimitScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace) {
		this.redis = redis;
		this.keys = RateLimitKeys.of(keyspace);
	}

	RateLimitKeys keys() {
		return this.keys;
	}

	/** Takes one token from the bucket under {@code key}. */
	Mono<Take> take(String key, Bucket bucket) {
		return this.take
			.run(this.redis, List.of(key),
					List.of(String.valueOf(bucket.capacity()), String.valueOf(bucket.refillPerSecond())))
			.map(Take::of);
	}

	/** Gives back a token taken from the bucket under {@code key} (never past its capacity). */
	Mono<Void> giveBack(String key, Bucket bucket) {
		return this.giveBack.run(this.redis, List.of(key), List.of(String.valueOf(bucket.capacity())))
			.doOnNext(reply -> reply.status(Returned.class))
			.then();
	}

	enum Returned {

		RETURNED, FULL

	}

	enum Status {

		ALLOWED, LIMITED

	}

	/** The reply: whole tokens left, ms until the bucket is full, and (LIMITED) until the next token. */
	record Take(Status status, long remaining, long fullInMs, long retryAfterMs) {

		static Take of(ScriptReply reply) {
			Status status = reply.status(Status.class);
			return new Take(status, reply.number("remaining"), reply.number("fullInMs"),
					status == Status.LIMITED ? reply.number("retryAfterMs") : 0);
		}

		boolean allowed() {
			return this.status == Status.ALLOWED;
		}

	}

}
