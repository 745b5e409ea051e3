package dev.stagedoor.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class WaitingRoomIntegrationTests {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	StagedoorClient client;

	@BeforeEach
	void client() {
		this.client = StagedoorClient.on(this.port);
	}

	@Test
	void sameUserEnteringTwoHundredTimesAtOnceGetsOnePlace() {
		long concert = Concerts.create(this.port, "one place");
		enter(concert, "early-bird").block();
		String token = TestTokens.user("racer");

		List<Reply> replies = Flux.range(0, 200)
			.flatMap(i -> enterAs(concert, token), 200)
			.collectList()
			.block(Duration.ofSeconds(60));

		assertThat(replies).hasSize(200);
		assertThat(replies).filteredOn(r -> r.status == 201).hasSize(1);
		assertThat(replies).filteredOn(r -> r.status == 200).hasSize(199);
		assertThat(replies).extracting(r -> r.body.get("position")).containsOnly(2);
		assertThat(this.room.stats(concert).block().waiting()).isEqualTo(2);
	}

	@Test
	void twoThousandUsersEnteringAtOnceGetPositionsOneToTwoThousand() {
		long concert = Concerts.create(this.port, "strict order");
		List<String> tokens = IntStream.rangeClosed(1, 2000).mapToObj(i -> TestTokens.user("fan-" + i)).toList();

		List<Reply> replies = Flux.fromIterable(tokens)
			.flatMap(token -> enterAs(concert, token), 256)
			.collectList()
			.block(Duration.ofSeconds(120));

		assertThat(replies).allMatch(r -> r.status == 201);
		Set<Long> positions = replies.stream()
			.map(r -> ((Number) r.body.get("position")).longValue())
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(positions).containsExactlyElementsOf(LongStream.rangeClosed(1, 2000).boxed().toList());
	}

	@Test
	void statusShowsPositionAndLeavingMovesEveryoneUp() {
		long concert = Concerts.create(this.port, "leaving");
		enter(concert, "a").block();
		enter(concert, "b").block();
		enter(concert, "c").block();

		ApiReply waiting = this.client.queueStatus(TestTokens.user("c"), concert).block(TIMEOUT).expect(200);
		assertThat(waiting.body()).containsEntry("status", "WAITING").containsEntry("position", 3);
		assertThat(waiting.body().get("etaSeconds")).isInstanceOf(Number.class);
		assertThat(waiting.body().get("expiresAt")).isNotNull().isNotEqualTo("");
		assertThat(waiting.body().get("token")).isNull();

		this.client.leaveQueue(TestTokens.user("b"), concert).block(TIMEOUT).expect(204);
		this.client.leaveQueue(TestTokens.user("b"), concert).block(TIMEOUT).expect(204);

		assertThat(this.client.queueStatus(TestTokens.user("b"), concert).block(TIMEOUT).expect(404).code())
			.isEqualTo("not-in-queue");
		assertThat(this.client.queueStatus(TestTokens.user("c"), concert).block(TIMEOUT).body())
			.containsEntry("position", 2);
	}

	@Test
	void admittedUserGetsTokenAndReEntryKeepsTheAdmission() {
		long concert = Concerts.create(this.port, "admitted");
		enter(concert, "first").block();
		this.room.admit(concert).block();

		Reply again = enterAs(concert, TestTokens.user("first")).block();
		assertThat(again.status).isEqualTo(200);
		assertThat(again.body).containsEntry("status", "ADMITTED").doesNotContainKey("position");
		assertThat((String) again.body.get("token")).isNotBlank();
		assertThat(this.room.stats(concert).block()).satisfies(stats -> {
			assertThat(stats.active()).isEqualTo(1);
			assertThat(stats.waiting()).isZero();
			assertThat(stats.admittedTotal()).isEqualTo(1);
		});

		this.client.leaveQueue(TestTokens.user("first"), concert).block(TIMEOUT).expect(204);
		assertThat(this.room.stats(concert).block().active()).isZero();
	}

	@Test
	void waitingUserWhoIsNotSeenLosesThePlace() {
		long concert = Concerts.create(this.port, "abandonment");
		Concerts.configureQueue(this.port, concert, 1, 100, 600);
		enter(concert, "admitted-one").block();
		this.room.admit(concert).block();
		enter(concert, "patient").block();
		enter(concert, "gone").block();

		// "patient" keeps asking, "gone" never comes back; the idle timeout in tests is 2 s.
		// (Asking about "gone" would count as seeing it, so the room's counters are watched.)
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).until(() -> {
			this.room.status(concert, "patient").block();
			this.room.admit(concert).block();
			return this.room.stats(concert).block().waiting() == 1;
		});

		assertThat(this.room.status(concert, "gone").block()).isInstanceOf(QueueOutcome.NotInQueue.class);
		QueueOutcome patient = this.room.status(concert, "patient").block();
		assertThat(patient).isInstanceOfSatisfying(QueueOutcome.Placed.class,
				placed -> assertThat(placed.view().position()).isEqualTo(1));
	}

	@Test
	void inAFullRoomTheEtaWaitsForTheAdmissionsThatMustEndFirst() {
		long concert = Concerts.create(this.port, "full room");
		Concerts.configureQueue(this.port, concert, 2, 100, 300);
		enter(concert, "inside-1").block();
		enter(concert, "inside-2").block();
		this.room.admit(concert).block();
		assertThat(this.room.stats(concert).block().active()).isEqualTo(2);

		// both admissions end in 300 s; the room could admit 100 a second, but has no place
		Reply first = enter(concert, "next-1").block();
		Reply second = enter(concert, "next-2").block();
		Reply third = enter(concert, "next-3").block();
		assertThat(first.body).containsEntry("position", 1);
		assertThat(eta(first.body)).isBetween(290L, 300L);
		assertThat(eta(second.body)).isBetween(290L, 300L);
		// the third needs a place twice over: after an admission ends, the next one lasts 300 s too
		assertThat(eta(third.body)).isBetween(590L, 600L);
		// a status call answers the same (queue_status.lua)
		assertThat(eta(status(concert, "next-1"))).isBetween(290L, 300L);

		// an admission that ends early frees its place: the first only waits for the admission rate
		this.client.leaveQueue(TestTokens.user("inside-1"), concert).block(TIMEOUT).expect(204);
		assertThat(eta(status(concert, "next-1"))).isBetween(1L, 5L);
		assertThat(eta(status(concert, "next-2"))).isBetween(290L, 300L);
	}

	private Map<String, Object> status(long concert, String user) {
		ApiReply reply = this.client.queueStatus(TestTokens.user(user), concert).block();
		assertThat(reply.status()).isEqualTo(200);
		return reply.body();
	}

	private static long eta(Map<String, Object> body) {
		assertThat(body).containsEntry("status", "WAITING");
		return ((Number) body.get("etaSeconds")).longValue();
	}

	private Mono<Reply> enter(long concert, String user) {
		return enterAs(concert, TestTokens.user(user));
	}

	/**
	 * Enters as a client should: an entry shed by the concurrency limiter (503 {@code overloaded},
	 * nothing changed) is sent again. A burst of hundreds of entries at once can exceed the
	 * waiting-room lane's wait on a busy machine; the test retries sooner than the
	 * {@code Retry-After} it is told, to stay fast.
	 */
	private Mono<Reply> enterAs(long concert, String token) {
		return this.client.enterQueue(token, concert)
			.map(reply -> new Reply(reply.status(), reply.body()))
			.flatMap(reply -> reply.status() == 503 && "overloaded".equals(reply.body().get("code"))
					? Mono.error(new Overloaded()) : Mono.just(reply))
			.retryWhen(Retry.backoff(50, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1))
				.filter(Overloaded.class::isInstance));
	}

	/** A shed entry, sent again. */
	static final class Overloaded extends RuntimeException {

		Overloaded() {
			super("overloaded", null, false, false);
		}

	}

	record Reply(int status, Map<String, Object> body) {
	}

}
