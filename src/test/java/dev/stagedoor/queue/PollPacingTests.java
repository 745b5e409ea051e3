package dev.stagedoor.queue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The pacing formula over whole rooms, without the service: what every fan of a room is told. */
class PollPacingTests {

	static final int BUDGET = 500;

	@Test
	void aRoomFollowingItsIntervalsStaysWithinTheBudgetWhateverItsSizeAndRate() {
		PollPacing pacing = pacing(BUDGET, Duration.ofMinutes(2));
		for (long waiting : new long[] { 1, 10, 499, 501, 5_000, 20_000, 30_000 }) {
			for (long rate : new long[] { 1, 10, 100, 1_000, 100_000 }) {
				double pollsPerSecond = pollsPerSecond(pacing, waiting, rate);
				assertThat(pollsPerSecond).as("%d waiting, %d admitted/s", waiting, rate).isLessThanOrEqualTo(BUDGET + 1e-6);
			}
		}
	}

	@Test
	void theFrontIsToldAboutItsEtaAndTheBackAtMostAMinute() {
		PollPacing pacing = pacing(BUDGET, Duration.ofMinutes(2));
		// 5,000 waiting at 500 polls/s: nobody more often than every 10 s
		assertThat(pacing.waitingSeconds(eta(1, 100), 5_000)).isEqualTo(10);
		assertThat(pacing.waitingSeconds(eta(3_000, 100), 5_000)).isEqualTo(30);
		assertThat(pacing.waitingSeconds(eta(5_000, 100), 5_000)).isEqualTo(50);
		assertThat(pacing.waitingSeconds(eta(50_000, 100), 5_000)).isEqualTo(60);
		// a small room: the front every second, never less than 1 s
		assertThat(pacing.waitingSeconds(0, 3)).isEqualTo(1);
		assertThat(pacing.waitingSeconds(eta(3, 1), 3)).isEqualTo(3);
	}

	@Test
	void theLongestIntervalIsHalfTheIdleTimeoutWhenThatIsShorterThanAMinute() {
		assertThat(pacing(BUDGET, Duration.ofSeconds(30)).waitingSeconds(600, 100)).isEqualTo(15);
		assertThat(pacing(BUDGET, Duration.ofSeconds(2)).waitingSeconds(600, 100)).isEqualTo(1);
		assertThat(pacing(BUDGET, Duration.ofMinutes(10)).longestSeconds()).isEqualTo(60);
	}

	@Test
	void pastBudgetTimesTheLongestIntervalTheCapWinsAndTheRoomPollsOncePerFanAMinute() {
		PollPacing pacing = pacing(BUDGET, Duration.ofMinutes(2));
		assertThat(pollsPerSecond(pacing, 60_000, 100_000)).isCloseTo(1_000.0, within(1e-6));
	}

	/** What a room sends when each of its fans polls at its told interval. */
	private static double pollsPerSecond(PollPacing pacing, long waiting, long rate) {
		double sum = 0;
		for (long position = 1; position <= waiting; position++) {
			sum += 1.0 / pacing.waitingSeconds(eta(position, rate), waiting);
		}
		return sum;
	}

	private static long eta(long position, long rate) {
		return (position + rate - 1) / rate;
	}

	private static PollPacing pacing(int budget, Duration idleTimeout) {
		return new PollPacing(new QueueProperties(1000, 100, Duration.ofMinutes(10), idleTimeout, "q".repeat(32),
				Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(15), Duration.ofSeconds(15), budget,
				0.5));
	}

}
