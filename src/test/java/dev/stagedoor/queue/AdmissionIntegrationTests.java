package dev.stagedoor.queue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.domain.Range;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.support.Ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class AdmissionIntegrationTests {

	static final int MAX_ACTIVE = 50;

	static final int PER_SECOND = 20;

	static final int TTL_SECONDS = 3;

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	QueueScripts scripts;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Test
	void twoSchedulersNeverExceedMaxActiveOrTheRateAndReplaceExpiredUsers() {
		long concert = Concerts.create(this.port, "admission limits");
		Concerts.configureQueue(this.port, concert, MAX_ACTIVE, PER_SECOND, TTL_SECONDS);
		List<String> fans = IntStream.rangeClosed(1, 300).mapToObj(i -> "fan-" + i).toList();
		Flux.fromIterable(fans).flatMap(fan -> this.room.enter(concert, fan), 32).blockLast();

		OpenQueues only = new OpenQueues(null, null);
		only.add(concert);
		Ticker first = new Ticker("scheduler-1", Duration.ofMillis(40), () -> AdmissionScheduler.admitAll(only, this.room));
		Ticker second = new Ticker("scheduler-2", Duration.ofMillis(55), () -> AdmissionScheduler.admitAll(only, this.room));
		AtomicLong maxActiveSeen = new AtomicLong();
		Disposable sampler = Flux.interval(Duration.ofMillis(20))
			.onBackpressureDrop()
			.concatMap(tick -> this.room.stats(concert))
			.subscribe(stats -> maxActiveSeen.accumulateAndGet(stats.active(), Math::max));
		// the fans keep polling, as waiting fans do, so nobody drops out for being idle
		Disposable polling = Flux.interval(Duration.ofMillis(300))
			.onBackpressureDrop()
			.concatMap(tick -> this.room.statusOf(concert, fans))
			.subscribe();
		first.start();
		second.start();
		try {
			// the first users expire after 3 s and must be replaced: more than maxActive admitted in all
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.room.stats(concert).block().admittedTotal() >= MAX_ACTIVE + 2 * PER_SECOND);
		}
		finally {
			first.stop();
			second.stop();
			sampler.dispose();
			polling.dispose();
		}

		List<Long> admittedAt = admissionTimes(concert);
		assertThat(admittedAt).hasSizeGreaterThanOrEqualTo(MAX_ACTIVE + 2 * PER_SECOND);
		assertThat(maxInAnyWindow(admittedAt, 1000)).isLessThanOrEqualTo(PER_SECOND);
		// nobody left, so each user was active from admission until admission + TTL
		assertThat(maxInAnyWindow(admittedAt, TTL_SECONDS * 1000)).isLessThanOrEqualTo(MAX_ACTIVE);
		assertThat(maxActiveSeen.get()).isLessThanOrEqualTo(MAX_ACTIVE).isGreaterThan(PER_SECOND);
	}

	/** Admission times from the room's admission log (kept 10 s, longer than this test admits). */
	private List<Long> admissionTimes(long concert) {
		return this.redis.opsForZSet()
			.rangeWithScores(this.scripts.keys(concert).admits(), Range.unbounded())
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
