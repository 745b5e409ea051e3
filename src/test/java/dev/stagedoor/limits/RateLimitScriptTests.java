package dev.stagedoor.limits;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import dev.stagedoor.limits.RateLimitProperties.Bucket;
import dev.stagedoor.limits.RateLimitScripts.Status;
import dev.stagedoor.limits.RateLimitScripts.Take;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * take_token.lua and return_token.lua driven straight against Redis through
 * {@link RateLimitScripts}: the burst, the refill by Redis time, the wait it names, the
 * bucket's expiry, a burst of 200 concurrent takes racing for one bucket, and giving a token
 * back (never past the capacity, never creating a bucket).
 */
class RateLimitScriptTests {

	static ScriptRedis redis;

	static RateLimitScripts scripts;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(RateLimitScriptTests.class);
		scripts = new RateLimitScripts(redis.template(), redis.keyspace());
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void aFullBucketGivesItsCapacityThenNamesTheWaitAndRefillsByRedisTime() {
		String key = scripts.keys().user(EndpointClass.QUEUE, "burst-fan");
		Bucket bucket = new Bucket(5, 2.0);
		for (int i = 4; i >= 0; i--) {
			Take take = scripts.take(key, bucket).block();
			assertThat(take.status()).isEqualTo(Status.ALLOWED);
			assertThat(take.remaining()).isEqualTo(i);
			assertThat(take.fullInMs()).isBetween((5 - i) * 500L - 100, (5 - i) * 500L);
		}
		long pttl = redis.template().getExpire(key).block().toMillis();
		assertThat(pttl).isBetween(2_000L, 3_500L);

		Take refused = scripts.take(key, bucket).block();
		assertThat(refused.status()).isEqualTo(Status.LIMITED);
		assertThat(refused.remaining()).isZero();
		assertThat(refused.retryAfterMs()).isBetween(1L, 500L);
		// a refusal takes nothing: the next one names a wait no longer than the first
		assertThat(scripts.take(key, bucket).block().retryAfterMs()).isBetween(0L, refused.retryAfterMs());

		redis.awaitPast(redis.now() + refused.retryAfterMs());
		assertThat(scripts.take(key, bucket).block().status()).isEqualTo(Status.ALLOWED);
	}

	@Test
	void twoHundredConcurrentTakesOfOneBucketGetExactlyItsCapacity() {
		String key = scripts.keys().address(EndpointClass.HOLDS, "203.0.113.9");
		// one token every 1,000 s: none comes back while the burst runs
		Bucket bucket = new Bucket(50, 0.001);
		Map<Status, Long> answers = Flux.range(0, 200)
			.flatMap(i -> scripts.take(key, bucket), 200)
			.collectList()
			.block()
			.stream()
			.collect(Collectors.groupingBy(Take::status, Collectors.counting()));
		assertThat(answers).containsEntry(Status.ALLOWED, 50L).containsEntry(Status.LIMITED, 150L);
	}

	@Test
	void bucketsOfOtherUsersAddressesAndClassesAreApart() {
		Bucket one = new Bucket(1, 0.001);
		RateLimitKeys keys = scripts.keys();
		List<String> distinct = List.of(keys.user(EndpointClass.PAYMENTS, "ann"), keys.user(EndpointClass.PAYMENTS, "bob"),
				keys.user(EndpointClass.CHARGES, "ann"), keys.address(EndpointClass.PAYMENTS, "ann"));
		Map<String, Status> first = distinct.stream()
			.collect(Collectors.toMap(Function.identity(), key -> scripts.take(key, one).block().status()));
		assertThat(first.values()).containsOnly(Status.ALLOWED);
		assertThat(distinct).allSatisfy(key -> assertThat(scripts.take(key, one).block().status()).isEqualTo(Status.LIMITED));
	}

	@Test
	void aTokenGivenBackCanBeTakenAgainButNeverFillsPastTheCapacity() {
		String key = scripts.keys().user(EndpointClass.CHARGES, "refunded-fan");
		Bucket bucket = new Bucket(2, 0.001);
		scripts.take(key, bucket).block();
		scripts.take(key, bucket).block();
		assertThat(scripts.take(key, bucket).block().status()).isEqualTo(Status.LIMITED);

		scripts.giveBack(key, bucket).block();
		Take again = scripts.take(key, bucket).block();
		assertThat(again.status()).isEqualTo(Status.ALLOWED);
		assertThat(again.remaining()).isZero();

		// three given back to a bucket of two: it holds two
		for (int i = 0; i < 3; i++) {
			scripts.giveBack(key, bucket).block();
		}
		assertThat(scripts.take(key, bucket).block().remaining()).isEqualTo(1);
		assertThat(scripts.take(key, bucket).block().remaining()).isZero();
		assertThat(scripts.take(key, bucket).block().status()).isEqualTo(Status.LIMITED);

		// an absent bucket is full: giving back creates nothing
		String absent = scripts.keys().user(EndpointClass.CHARGES, "never-seen");
		scripts.giveBack(absent, bucket).block();
		assertThat(redis.template().hasKey(absent).block()).isFalse();
	}

}
