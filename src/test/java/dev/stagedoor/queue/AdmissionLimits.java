package dev.stagedoor.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import dev.stagedoor.Concerts;
import dev.stagedoor.support.RedisKeyspace;
import dev.stagedoor.support.Ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Test support: two admission schedulers racing on one room, each through its own
 * {@link WaitingRoom} (the same bean, or those of two application contexts = two instances),
 * with the room's limits checked over every admission time.
 */
public final class AdmissionLimits {

	static final int MAX_ACTIVE = 50;

	static final int PER_SECOND = 20;

	static final int TTL_SECONDS = 3;

	private AdmissionLimits() {
	}

	/**
	 * 300 fans enter a room of {@value #MAX_ACTIVE} places, {@value #PER_SECOND} admissions a
	 * second and {@value #TTL_SECONDS} s admissions; one scheduler admits through {@code first}
	 * every 40 ms, another through {@code second} every 55 ms, until the first admitted users
	 * expired and were replaced. Asserts: never more than maxActive active (sampled, and over
	 * every TTL window of admission times), never more than admitPerSecond in any 1 s window.
	 */
	public static void twoSchedulersKeepTheLimits(int port, WaitingRoom first, WaitingRoom second,
			ReactiveStringRedisTemplate redis, RedisKeyspace keyspace) {
		long concert = Concerts.create(port, "admission limits");
		Concerts.configureQueue(port, concert, MAX_ACTIVE, PER_SECOND, TTL_SECONDS);
		List<String> fans = IntStream.rangeClosed(1, 300).mapToObj(i -> "fan-" + i).toList();
		Flux.fromIterable(fans).flatMap(fan -> first.enter(concert, fan), 32).blockLast();

		OpenQueues only = new OpenQueues(null, null);
		only.add(concert);
		Ticker one = new Ticker("scheduler-1", Duration.ofMillis(40), () -> AdmissionScheduler.admitAll(only, first, null));
		Ticker two = new Ticker("scheduler-2", Duration.ofMillis(55), () -> AdmissionScheduler.admitAll(only, second, null));
		AtomicLong maxActiveSeen = new AtomicLong();
		Disposable sampler = Flux.interval(Duration.ofMillis(20))
			.onBackpressureDrop()
			.concatMap(tick -> first.stats(concert))
			.subscribe(stats -> maxActiveSeen.accumulateAndGet(stats.active(), Math::max));
		// the fans keep polling, as waiting fans do, so nobody drops out for being idle
		Disposable polling = Flux.interval(Duration.ofMillis(300))
			.onBackpressureDrop()
			.concatMap(tick -> second.statusOf(concert, fans))
			.subscribe();
		one.start();
		two.start();
		try {
			// the first users expire after 3 s and must be replaced: more than maxActive admitted in all
			await().atMost(Duration.ofSeconds(30))
				.until(() -> first.stats(concert).block().admittedTotal() >= MAX_ACTIVE + 2 * PER_SECOND);
		}
		finally {
			one.stop();
			two.stop();
			sampler.dispose();
			polling.dispose();
		}

		List<Long> admittedAt = admissionTimes(redis, QueueKeys.of(keyspace, concert));
		assertThat(admittedAt).hasSizeGreaterThanOrEqualTo(MAX_ACTIVE + 2 * PER_SECOND);
		assertThat(maxInAnyWindow(admittedAt, 1000)).isLessThanOrEqualTo(PER_SECOND);
		// nobody left, so each user was active from admission until admission + TTL
		assertThat(maxInAnyWindow(admittedAt, TTL_SECONDS * 1000)).isLessThanOrEqualTo(MAX_ACTIVE);
		assertThat(maxActiveSeen.get()).isLessThanOrEqualTo(MAX_ACTIVE).isGreaterThan(PER_SECOND);
	}

	/** Admission times from the room's admission log (kept 10 s, longer than this test admits). */
	private static List<Long> admissionTimes(ReactiveStringRedisTemplate redis, QueueKeys keys) {
		return redis.opsForZSet()
			.rangeWithScores(keys.admits(), Range.unbounded())
			.map(tuple -> tuple.getScore().longValue())
			.sort()
			.collectList()
			.block();
	}

	/** The largest number of times inside any half-open window {@code [t, t + width)}. */
	static int maxInAnyWindow(List<Long> sortedTimes, long width) {
		int best = 0;
		int start = 0;
		for (int end = 0; end < sortedTimes.size(); end++) {
			while (sortedTimes.get(end) - sortedTimes.get(start) >= width) {
				start++;
			}
			best = Math.max(best, end - start + 1);
		}
		return best;
	}

}
