package dev.stagedoor.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/** Which followers a refresh asks about first, and that a follower told from many threads at once loses nothing. */
class QueueStreamsFrontTests {

	@Test
	void aRefreshAsksAboutTheFollowersFrontFirst() {
		List<Long> positions = new ArrayList<>();
		for (long p = 1; p <= 2_000; p++) {
			positions.add(p);
		}
		Collections.shuffle(positions);
		Set<QueueStreams.Follower> followers = ConcurrentHashMap.newKeySet();
		for (long position : positions) {
			followers.add(new QueueStreams.Follower("fan-" + position, Sinks.many().replay().latest(),
					QueueView.waiting(position, position, Instant.now())));
		}

		List<QueueStreams.Ranked> all = QueueStreams.front(followers);
		assertThat(all).extracting(QueueStreams.Ranked::position).containsExactlyElementsOf(positions.stream().sorted().toList());
	}

	/**
	 * A tick and an admission's news tell the same follower at the same moment: no view
	 * may be dropped (a sink emitted to from two threads at once refuses one of them).
	 */
	@Test
	void aFollowerToldFromManyThreadsAtOnceLosesNoView() throws Exception {
		QueueStreams.Follower follower = new QueueStreams.Follower("fan", Sinks.many().replay().latest(),
				QueueView.waiting(100_000, 100_000, Instant.now()));
		AtomicInteger received = new AtomicInteger();
		follower.views().subscribe(view -> received.incrementAndGet());
		int threads = 4;
		int each = 20_000;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> tellers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				tellers.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < each; i++) {
						follower.tell(new QueueOutcome.Placed(QueueView.waiting(i + 1, i + 1, Instant.now()), false, 1));
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> teller : tellers) {
				teller.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(received.get()).isEqualTo(threads * each);
	}

}
