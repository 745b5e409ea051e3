package dev.stagedoor.queue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How often one queue stream tells its follower about progress. */
class QueueStreamPacingTests {

	private static final Instant EXPIRES = Instant.parse("2026-11-22T12:00:00Z");

	private static final long SECOND = 1_000_000_000L;

	private final QueueProperties properties = new QueueProperties(1000, 100, Duration.ofMinutes(10),
			Duration.ofMinutes(2), "q".repeat(32), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(15),
			Duration.ofSeconds(15), 500, 0.5, Duration.ofMillis(200));

	@Test
	void updateIntervalGrowsWithTheWaitBetweenThePollIntervalAndTheMaximum() {
		assertThat(this.properties.streamUpdateEvery(1L)).isEqualTo(Duration.ofMillis(500));
		assertThat(this.properties.streamUpdateEvery(null)).isEqualTo(Duration.ofMillis(500));
		assertThat(this.properties.streamUpdateEvery(20L)).isEqualTo(Duration.ofSeconds(4));
		assertThat(this.properties.streamUpdateEvery(3_600L)).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void aFollowerFarBackHearsAboutItsProgressEveryFewSecondsNotEveryTick() {
		QueueStreams.Pacing pacing = new QueueStreams.Pacing(this.properties);
		long now = 0;
		int sent = 0;
		// 20 s of 500 ms ticks: the position falls at every tick from 2,000 (eta 20 s at 100/s)
		for (int tick = 0; tick < 40; tick++, now += SECOND / 2) {
			long position = 2_000 - tick * 50L;
			if (pacing.due(QueueView.waiting(position, position / 100, EXPIRES), now)) {
				sent++;
			}
		}
		// every 4 s at first (eta 20 s), then more often as the front nears: 15 updates, not 40
		assertThat(sent).isBetween(12, 18);
	}

	@Test
	void theFirstViewAndAdmissionAreSentAtOnceAndNothingIsSentTwice() {
		QueueStreams.Pacing pacing = new QueueStreams.Pacing(this.properties);
		QueueView far = QueueView.waiting(5_000, 50, EXPIRES);
		assertThat(pacing.due(far, 0)).isTrue();
		assertThat(pacing.due(far, 60 * SECOND)).as("same progress").isFalse();
		assertThat(pacing.due(QueueView.waiting(4_990, 50, EXPIRES), SECOND)).as("too soon").isFalse();
		assertThat(pacing.due(QueueView.admitted("token", EXPIRES), SECOND + 1)).as("admitted: at once").isTrue();
		assertThat(pacing.due(QueueView.admitted("token", EXPIRES), SECOND + 2)).isFalse();
	}

	@Test
	void aFilteredChangeIsSentOnceItsIntervalHasPassed() {
		QueueStreams.Pacing pacing = new QueueStreams.Pacing(this.properties);
		assertThat(pacing.due(QueueView.waiting(1_000, 10, EXPIRES), 0)).isTrue();
		QueueView later = QueueView.waiting(900, 9, EXPIRES);
		assertThat(pacing.due(later, SECOND)).isFalse();
		// the next ticks re-emit the newest view: it goes out once 9 s / 5 = 1.8 s have passed
		assertThat(pacing.due(later, SECOND * 3 / 2)).isFalse();
		assertThat(pacing.due(later, SECOND * 2)).isTrue();
	}

	@Test
	void aWaitingPlacesExpiresAtIsSentAgainOnceItMovedHalfTheIdleTimeout() {
		QueueStreams.Pacing pacing = new QueueStreams.Pacing(this.properties);
		Instant start = EXPIRES.minus(this.properties.idleTimeout());
		Instant held = null;
		int sent = 0;
		// five minutes at the head of a full room: progress never changes, the place is seen every tick
		for (long ms = 0; ms <= 300_000; ms += 500) {
			Instant now = start.plusMillis(ms);
			QueueView view = QueueView.waiting(1, 10, now.plus(this.properties.idleTimeout()));
			if (pacing.due(view, ms * 1_000_000)) {
				held = view.expiresAt();
				sent++;
			}
			assertThat(Duration.between(now, held)).as("what the follower holds at %d ms", ms)
				.isGreaterThanOrEqualTo(this.properties.idleTimeout().dividedBy(2));
		}
		// at 0, 60, 120, 180, 240 and 300 s: each time the place's expiresAt had moved a minute
		assertThat(sent).isEqualTo(6);
	}

	@Test
	void anAdmissionWhoseEndChangesIsSentAgain() {
		QueueStreams.Pacing pacing = new QueueStreams.Pacing(this.properties);
		assertThat(pacing.due(QueueView.admitted("token", EXPIRES), 0)).isTrue();
		assertThat(pacing.due(QueueView.admitted("token", EXPIRES), SECOND)).isFalse();
		assertThat(pacing.due(QueueView.admitted("token", EXPIRES.plusSeconds(1)), 2 * SECOND)).isTrue();
	}

}
