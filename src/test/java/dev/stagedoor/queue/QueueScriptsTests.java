package dev.stagedoor.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import dev.stagedoor.queue.QueueScripts.Entry;
import dev.stagedoor.queue.QueueScripts.EntryStatus;
import dev.stagedoor.queue.QueueScripts.Statuses;
import dev.stagedoor.queue.QueueScripts.UserState;
import dev.stagedoor.queue.QueueScripts.UserStatus;
import dev.stagedoor.queue.WaitingRoom.AdmissionStep;
import dev.stagedoor.queue.WaitingRoom.QueueStats;
import dev.stagedoor.support.ScriptRedis;
import dev.stagedoor.support.ScriptReply;
import dev.stagedoor.support.UnexpectedReplyException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The waiting room's scripts driven straight against Redis (no HTTP, no Spring context),
 * through {@link QueueScripts}: every reply each script's header documents, decoded by name.
 */
class QueueScriptsTests {

	static final Duration IDLE = Duration.ofMillis(300);

	static ScriptRedis redis;

	static QueueScripts scripts;

	static final AtomicLong concerts = new AtomicLong();

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(QueueScriptsTests.class);
		QueueProperties properties = new QueueProperties(1000, 100, Duration.ofMinutes(10), IDLE,
				"queue-scripts-tests-secret-0123456789abcdef", Duration.ofMillis(100), Duration.ofMillis(500),
				Duration.ofSeconds(15), Duration.ofSeconds(15), 500, 0.5, Duration.ofSeconds(1));
		scripts = new QueueScripts(redis.template(), redis.keyspace(), properties);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	/** A concert whose room is open with these settings (or the defaults). */
	private static long room(QueueSettings settings) {
		long concert = concerts.incrementAndGet();
		scripts.configure(concert, settings).block();
		return concert;
	}

	@Test
	void aRoomThatIsNotOpenIsUnknownToEveryScript() {
		long concert = concerts.incrementAndGet();
		assertThat(scripts.enter(concert, "fan").block().status()).isEqualTo(EntryStatus.UNKNOWN);
		Statuses statuses = scripts.status(concert, List.of("fan")).block();
		assertThat(statuses.known()).isFalse();
		assertThat(scripts.stats(concert).blockOptional()).isEmpty();
		assertThat(scripts.admit(concert).block()).isEqualTo(AdmissionStep.NONE);
		assertThat(scripts.isActive(concert, "fan").block()).isFalse();
	}

	@Test
	void enteringGivesAPlaceOnceThenFindsIt() {
		long concert = room(new QueueSettings(1, 7, Duration.ofMinutes(1)));
		scripts.enter(concert, "first").block();
		scripts.admit(concert).block();
		long before = System.currentTimeMillis();
		Entry entry = scripts.enter(concert, "second").block();
		assertThat(entry.status()).isEqualTo(EntryStatus.WAITING);
		assertThat(entry.created()).isTrue();
		assertThat(entry.position()).isEqualTo(1);
		assertThat(entry.pace().now()).isBetween(before - 5_000, System.currentTimeMillis() + 5_000);
		assertThat(entry.pace().admittedLast10s()).isEqualTo(1);
		assertThat(entry.pace().perSecond()).isEqualTo(7);
		// the one place is taken until "first"'s admission ends, a minute from now
		assertThat(entry.placeFreeAt()).isGreaterThan(entry.pace().now() + 50_000);

		Entry again = scripts.enter(concert, "second").block();
		assertThat(again.status()).isEqualTo(EntryStatus.WAITING);
		assertThat(again.created()).isFalse();
		assertThat(again.position()).isEqualTo(1);
	}

	@Test
	void anAdmittedUserEntersAsAdmitted() {
		long concert = room(null);
		scripts.enter(concert, "fan").block();
		AdmissionStep step = scripts.admit(concert).block();
		assertThat(step.admitted()).isEqualTo(1);
		assertThat(step.users()).containsExactly("fan");
		Entry entry = scripts.enter(concert, "fan").block();
		assertThat(entry.status()).isEqualTo(EntryStatus.ADMITTED);
		assertThat(entry.created()).isFalse();
		assertThat(entry.expiresAt()).isGreaterThan(System.currentTimeMillis() + Duration.ofMinutes(9).toMillis());
		assertThat(step.until()).isEqualTo(entry.expiresAt());
		assertThat(scripts.isActive(concert, "fan").block()).isTrue();
	}

	@Test
	void anAdmissionStepNamesWhomItAdmittedFrontFirstAndUntilWhen() {
		long concert = room(new QueueSettings(100, 3, Duration.ofMinutes(1)));
		for (String user : List.of("first", "user:2,odd", "third", "fourth")) {
			scripts.enter(concert, user).block();
		}
		AdmissionStep step = scripts.admit(concert).block();
		assertThat(step.admitted()).isEqualTo(3);
		assertThat(step.users()).containsExactly("first", "user:2,odd", "third");
		Statuses statuses = scripts.status(concert, step.users()).block();
		assertThat(statuses.users().values()).extracting(UserStatus::expiresAt).containsOnly(step.until());
		// the room admits 3 a second: the next step admits nobody and names no one
		assertThat(scripts.admit(concert).block()).isEqualTo(AdmissionStep.NONE);
	}

	@Test
	void statusNamesEachUsersPlace() {
		long concert = room(new QueueSettings(1, 100, Duration.ofMinutes(1)));
		scripts.enter(concert, "in").block();
		scripts.admit(concert).block();
		scripts.enter(concert, "state:odd|name").block();
		scripts.enter(concert, "third").block();
		Statuses statuses = scripts.status(concert, List.of("third", "in", "nobody", "state:odd|name")).block();
		assertThat(statuses.known()).isTrue();
		assertThat(statuses.pace().admittedLast10s()).isEqualTo(1);
		assertThat(statuses.users().keySet()).containsExactly("third", "in", "nobody", "state:odd|name");
		assertThat(statuses.users().get("third").state()).isEqualTo(UserState.WAITING);
		assertThat(statuses.users().get("third").position()).isEqualTo(2);
		assertThat(statuses.users().get("state:odd|name").position()).isEqualTo(1);
		assertThat(statuses.users().get("third").placeFreeAt()).isGreaterThan(statuses.pace().now());
		assertThat(statuses.users().get("in").state()).isEqualTo(UserState.ADMITTED);
		assertThat(statuses.users().get("in").expiresAt()).isGreaterThan(statuses.pace().now());
		assertThat(statuses.users().get("nobody")).isEqualTo(new UserStatus(UserState.NOT_IN_QUEUE, 0, 0, 0));
	}

	@Test
	void aRoomAdmitsAtItsPaceNotItsWholeSecondAtOnce() {
		QueueScripts paced = new QueueScripts(redis.template(), redis.keyspace(),
				new QueueProperties(1000, 100, Duration.ofMinutes(10), Duration.ofMinutes(1),
						"queue-scripts-tests-secret-0123456789abcdef", Duration.ofMillis(100), Duration.ofMillis(500),
						Duration.ofSeconds(15), Duration.ofSeconds(15), 500, 0.5, Duration.ofMillis(200)));
		long concert = room(new QueueSettings(100_000, 1000, Duration.ofMinutes(1)));
		Flux.range(1, 1_200).flatMap(i -> paced.enter(concert, "paced-" + i), 64).blockLast();

		long before = redis.now();
		// a 200 ms burst of a room admitting 1,000 a second: 200 at once, not 1,000
		assertThat(paced.admit(concert).block().admitted()).isEqualTo(200);
		long admitted = 200;
		long elapsed;
		do {
			admitted += paced.admit(concert).block().admitted();
			elapsed = redis.now() - before;
			// then one a millisecond: never more than the time since the first step allows
			assertThat(admitted).isLessThanOrEqualTo(200 + elapsed);
		}
		while (elapsed < 600);
		// and no fewer: steps back to back for 600 ms admit about 600 more (the last step's
		// fraction and the time of one step short)
		assertThat(admitted).isGreaterThanOrEqualTo(700);
		assertThat(paced.stats(concert).block().active()).isEqualTo(admitted);
	}

	@Test
	void leavingSaysWhetherTheUserWasThere() {
		long concert = room(null);
		scripts.enter(concert, "fan").block();
		assertThat(scripts.leave(concert, "fan").block()).isTrue();
		assertThat(scripts.leave(concert, "fan").block()).isFalse();
	}

	@Test
	void anAdmissionStepCountsAdmittedExpiredAndIdleUsers() {
		long concert = room(new QueueSettings(1, 100, Duration.ofMillis(50)));
		scripts.enter(concert, "brief").block();
		scripts.enter(concert, "idle").block();
		assertThat(scripts.admit(concert).block()).extracting(AdmissionStep::admitted, AdmissionStep::expired,
				AdmissionStep::abandoned, AdmissionStep::users)
			.containsExactly(1L, 0L, 0L, List.of("brief"));
		redis.awaitPast(redis.now() + IDLE.toMillis() + 100);
		// "brief"'s admission ended; "idle" was not seen for the idle timeout and loses its place
		assertThat(scripts.admit(concert).block()).isEqualTo(new AdmissionStep(0, 1, 1, List.of(), 0));
	}

	@Test
	void statsAreTheCountersAndTheSettingsInForce() {
		long concert = room(new QueueSettings(3, 9, Duration.ofSeconds(90)));
		scripts.enter(concert, "a").block();
		scripts.enter(concert, "b").block();
		scripts.admit(concert).block();
		scripts.enter(concert, "c").block();
		scripts.enter(concert, "d").block();
		assertThat(scripts.stats(concert).block()).isEqualTo(new QueueStats(2, 2, 2, 3, 9, 90));
	}

	@Test
	void anUndocumentedReplyIsAnErrorNamingTheScript() {
		assertThatThrownBy(() -> Entry.of(ScriptReply.of("enter_queue.lua", List.of("QUEUED"))))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("enter_queue.lua replied [QUEUED]");
		assertThatThrownBy(() -> Statuses.of(ScriptReply.of("queue_status.lua",
				List.of("OK", "now", "1", "admitsLast10s", "0", "admitPerSecond", "1", "state:a", "W")), List.of("a")))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("queue_status.lua");
		assertThatThrownBy(() -> Statuses.of(ScriptReply.of("queue_status.lua",
				List.of("OK", "now", "1", "admitsLast10s", "0", "admitPerSecond", "1")), List.of("a")))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("state:a");
	}

}
