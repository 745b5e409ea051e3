package dev.stagedoor.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/** Which followers a refresh asks about first, and which an admission step's refresh asks about at all. */
class QueueStreamsFrontTests {

	@Test
	void anAdmissionStepsRefreshKeepsOnlyTheFollowersNearestTheFrontInOrder() {
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

		List<QueueStreams.Ranked> front = QueueStreams.front(followers, 500);
		assertThat(front).extracting(QueueStreams.Ranked::position)
			.containsExactlyElementsOf(positions.stream().sorted().limit(500).toList());

		List<QueueStreams.Ranked> all = QueueStreams.front(followers, Integer.MAX_VALUE);
		assertThat(all).extracting(QueueStreams.Ranked::position).containsExactlyElementsOf(positions.stream().sorted().toList());
	}

}
