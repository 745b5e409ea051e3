package dev.stagedoor.warmup;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;

import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.queue.QueueKeys;
import dev.stagedoor.queue.WarmupRoom;
import dev.stagedoor.support.RedisKeyspace;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warm-up, run here by hand (the test infrastructure switches the one at start-up
 * off): its fans are answered as real fans are, some over the network, and it leaves nothing
 * behind — no waiting-room keys, no concert.
 */
@IntegrationTest
class StartupWarmupTests {

	@Autowired
	StartupWarmup warmup;

	@Autowired
	WarmupRoom room;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	RedisKeyspace keyspace;

	@LocalServerPort
	int port;

	@Test
	void warmUpFansAreAnsweredAsExpectedOverBothPathsAndLeaveNothingBehind() {
		StartupWarmup.Result result = this.warmup.warmUp(Duration.ofSeconds(2), 8).block(Duration.ofSeconds(60));

		assertThat(result.concertId()).as("a room no real concert can have").isNegative();
		// every one of the 8 workers sends at least one fan (3 local requests) however slow the machine
		assertThat(result.requests()).isGreaterThanOrEqualTo(3 * 8);
		assertThat(result.overNetwork()).as("every 4th fan also over the network").isGreaterThanOrEqualTo(2);
		assertThat(result.unexpected()).as("every answer was the one a real fan would get").isZero();
		assertThat(result.took()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(30));
		assertThat(this.room.exists(result.concertId()).block()).as("the room's keys are deleted").isFalse();
		assertThat(keys(QueueKeys.of(this.keyspace, result.concertId()).root() + "*"))
			.as("no key of the room is left, nor a per-address entry count (the warm-up is not capped)").isEmpty();
		assertThat(keys(this.keyspace.keyPrefix() + "{rl:u:stagedoor-warmup-*"))
			.as("the fair-play limits do not count the instance's own warm-up fans").isEmpty();
		assertThat(StagedoorClient.on(this.port).concerts(TestTokens.user("anyone")).block(Duration.ofSeconds(30))
			.expect(200)
			.raw()).as("no concert was created")
			.doesNotContain("\"id\":-").doesNotContain("Warm");
	}

	@Test
	void aWarmUpCutShortStillDeletesItsRoom() {
		assertThat(this.warmup.warmUp(Duration.ofSeconds(30), 4)
			.timeout(Duration.ofMillis(500), Mono.empty())
			.block(Duration.ofSeconds(30))).as("cut short").isNull();
		// the cleanup runs on cancellation too; no key of a warm-up room (negative id) is left
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(keys(this.keyspace.keyPrefix() + "{c:-*")).isEmpty());
	}

	private List<String> keys(String pattern) {
		return this.redis.scan(ScanOptions.scanOptions().match(pattern).count(1000).build()).collectList().block();
	}

}
