package dev.stagedoor.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Flux;

import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Server-paced polling against the running service: the intervals a room of 5,000 fans is
 * told keep it within the poll budget, and early polls are answered without Redis. Places
 * last 10 minutes unseen here (so intervals up to 60 s are allowed) and early polls are on.
 */
@IntegrationTest
@TestPropertySource(properties = { "stagedoor.queue.idle-timeout=10m", "stagedoor.queue.early-poll-fraction=0.5",
		"stagedoor.queue.poll-budget-per-second=" + PollPacingIntegrationTests.BUDGET })
class PollPacingIntegrationTests {

	static final int BUDGET = 500;

	static final int FANS = 5_000;

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	MeterRegistry meters;

	StagedoorClient client() {
		return StagedoorClient.on(this.port);
	}

	@Test
	void fiveThousandWaitingFansFollowingTheirIntervalsPollWithinTheBudget() {
		long concert = room("paced");
		List<String> fans = IntStream.rangeClosed(1, FANS).mapToObj(i -> "paced-" + i).toList();
		// one at a time in order, so positions follow the list (the ticker is off: nobody is admitted)
		Flux.fromIterable(fans).concatMap(fan -> this.room.enter(concert, fan)).blockLast(Duration.ofMinutes(2));

		List<Long> intervals = new ArrayList<>(FANS);
		for (int from = 0; from < FANS; from += 500) {
			List<String> batch = fans.subList(from, from + 500);
			Map<String, QueueOutcome> statuses = this.room.statusOf(concert, batch).block();
			batch.forEach(fan -> intervals.add(((QueueOutcome.Placed) statuses.get(fan)).pollAfterSeconds()));
		}

		double pollsPerSecond = intervals.stream().mapToDouble(seconds -> 1.0 / seconds).sum();
		assertThat(pollsPerSecond).isLessThanOrEqualTo(BUDGET).isGreaterThan(0);
		assertThat(intervals).allMatch(seconds -> seconds >= 1 && seconds <= 60);
		assertThat(intervals).isSortedAccordingTo(Long::compare);
		assertThat(intervals.get(0)).as("the front").isLessThan(intervals.get(FANS - 1));
		// 5,000 ÷ 500 polls/s: the front every 10 s; the back about its ETA (5,000 ÷ 100 admitted/s)
		assertThat(intervals.get(0)).isEqualTo(10);
		assertThat(intervals.get(FANS - 1)).isEqualTo(50);

		// the API tells the same, in the body and as Retry-After
		ApiReply front = status(concert, fans.get(0));
		assertThat(front.body().get("pollAfterSeconds")).isEqualTo(10);
		assertThat(front.header(HttpHeaders.RETRY_AFTER)).isEqualTo("10");
		ApiReply back = status(concert, fans.get(FANS - 1));
		assertThat(back.body().get("pollAfterSeconds")).isEqualTo(50);
		assertThat(back.header(HttpHeaders.RETRY_AFTER)).isEqualTo("50");
	}

	@Test
	void aPollBeforeHalfItsIntervalGetsTheLastAnswerWithoutRedis() {
		long concert = room("early polls");
		Flux.range(1, 1_000).concatMap(i -> this.room.enter(concert, "ahead-" + i)).blockLast(Duration.ofMinutes(1));
		ApiReply enteredReply = client().enterQueue(TestTokens.user("eager"), concert).block(TIMEOUT).expect(201);
		assertThat(enteredReply.headers().get(HttpHeaders.RETRY_AFTER)).containsExactly("11");
		Map<?, ?> entered = enteredReply.body();
		assertThat(entered.get("position")).isEqualTo(1_001);
		assertThat(entered.get("pollAfterSeconds")).isEqualTo(11);
		double earlyBefore = earlyPolls();

		// gone from Redis behind the API's back: an answer from Redis would be 404 not-in-queue
		assertThat(this.room.leave(concert, "eager").block()).isTrue();

		ApiReply early = status(concert, "eager");
		assertThat(early.body()).containsEntry("status", "WAITING").containsEntry("position", 1_001);
		int left = (Integer) early.body().get("pollAfterSeconds");
		assertThat(left).isBetween(1, 11);
		assertThat(early.header(HttpHeaders.RETRY_AFTER)).isEqualTo(String.valueOf(left));
		assertThat(earlyPolls()).isEqualTo(earlyBefore + 1);
	}

	@Test
	void aPollAfterHalfItsIntervalIsAnsweredFromRedisAgain() {
		long concert = Concerts.create(this.port, "on time");
		ApiReply entered = client().enterQueue(TestTokens.user("punctual"), concert).block(TIMEOUT).expect(201);
		assertThat(entered.headers().get(HttpHeaders.RETRY_AFTER)).containsExactly("1");
		assertThat(entered.body()).containsEntry("pollAfterSeconds", 1);
		this.room.leave(concert, "punctual").block();

		// told 1 s: from 0.5 s on, Redis answers, and it no longer knows the fan
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(
					client().queueStatus(TestTokens.user("punctual"), concert).block(TIMEOUT).expect(404).body())
				.containsEntry("code", "not-in-queue"));
	}

	@Test
	void leavingThroughTheApiForgetsTheLastAnswer() {
		long concert = room("leavers");
		Flux.range(1, 1_000).concatMap(i -> this.room.enter(concert, "before-" + i)).blockLast(Duration.ofMinutes(1));
		client().enterQueue(TestTokens.user("leaver"), concert).block(TIMEOUT).expect(201);
		client().leaveQueue(TestTokens.user("leaver"), concert).block(TIMEOUT).expect(204);

		client().queueStatus(TestTokens.user("leaver"), concert).block(TIMEOUT).expect(404);
	}

	@Test
	void admittedAnswersSayOneSecondAndAreNeverCached() {
		long concert = Concerts.create(this.port, "admitted");
		Admissions.admit(this.room, concert, "in");
		for (int i = 0; i < 2; i++) {
			ApiReply admitted = status(concert, "in");
			assertThat(admitted.body()).containsEntry("status", "ADMITTED").containsEntry("pollAfterSeconds", 1);
			assertThat(admitted.header(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		}
		this.room.leave(concert, "in").block();
		client().queueStatus(TestTokens.user("in"), concert).block(TIMEOUT).expect(404);
	}

	/** A room admitting 100 a second with places for everyone, so ETAs are position ÷ 100. */
	private long room(String title) {
		long concert = Concerts.create(this.port, title);
		Concerts.configureQueue(this.port, concert, 100_000, 100, 600);
		return concert;
	}

	private ApiReply status(long concert, String fan) {
		return client().queueStatus(TestTokens.user(fan), concert).block(TIMEOUT).expect(200);
	}

	private double earlyPolls() {
		return this.meters.get("stagedoor.queue.polls.early").counter().count();
	}

}
