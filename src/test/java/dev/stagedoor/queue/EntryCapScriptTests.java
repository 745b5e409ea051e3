package dev.stagedoor.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import dev.stagedoor.queue.QueueScripts.Entry;
import dev.stagedoor.queue.QueueScripts.EntryStatus;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-address cap of enter_queue.lua against Redis: distinct users per address and room
 * per minute, racing; a refused entry takes no place; re-entries and other addresses and rooms
 * are not held back.
 */
class EntryCapScriptTests {

	static ScriptRedis redis;

	static QueueScripts scripts;

	static final AtomicLong concerts = new AtomicLong();

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(EntryCapScriptTests.class);
		QueueProperties properties = new QueueProperties(1000, 100, Duration.ofMinutes(10), Duration.ofMinutes(2),
				"entry-cap-tests-secret-0123456789abcdefgh", Duration.ofMillis(100), Duration.ofMillis(500),
				Duration.ofSeconds(15), Duration.ofSeconds(15), 500, 0.5);
		scripts = new QueueScripts(redis.template(), redis.keyspace(), properties);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	private static long room() {
		long concert = concerts.incrementAndGet();
		scripts.configure(concert, null).block();
		return concert;
	}

	@Test
	void fiftyAccountsFromOneAddressAtOnceEnterUpToTheCapAndTheRestTakeNoPlace() {
		long concert = room();
		List<Entry> entries = Flux.range(0, 50)
			.flatMap(i -> scripts.enter(concert, "fleet-" + i, "198.51.100.4", 10), 50)
			.collectList()
			.block();
		Map<EntryStatus, Long> byStatus = entries.stream()
			.collect(Collectors.groupingBy(Entry::status, Collectors.counting()));
		assertThat(byStatus).containsOnly(Map.entry(EntryStatus.WAITING, 10L), Map.entry(EntryStatus.ADDRESS_LIMIT, 40L));
		assertThat(entries).filteredOn(e -> e.status() == EntryStatus.ADDRESS_LIMIT)
			.allSatisfy(e -> assertThat(e.retryAfterMs()).isBetween(50_000L, 60_000L));
		assertThat(scripts.stats(concert).block().waiting()).isEqualTo(10);

		// those inside enter again freely; another address and another room are not held back
		List<String> inside = scripts.status(concert, Flux.range(0, 50).map(i -> "fleet-" + i).collectList().block())
			.block()
			.users()
			.entrySet()
			.stream()
			.filter(user -> user.getValue().state() == QueueScripts.UserState.WAITING)
			.map(Map.Entry::getKey)
			.toList();
		assertThat(inside).hasSize(10);
		for (String user : inside) {
			assertThat(scripts.enter(concert, user, "198.51.100.4", 10).block().status()).isEqualTo(EntryStatus.WAITING);
		}
		assertThat(scripts.enter(concert, "fleet-new", "198.51.100.5", 10).block().status())
			.isEqualTo(EntryStatus.WAITING);
		assertThat(scripts.enter(room(), "fleet-new", "198.51.100.4", 10).block().status())
			.isEqualTo(EntryStatus.WAITING);
		// a user who left and comes back within the minute counts once
		scripts.leave(concert, inside.get(0)).block();
		assertThat(scripts.enter(concert, inside.get(0), "198.51.100.4", 10).block().status())
			.isEqualTo(EntryStatus.WAITING);
		assertThat(scripts.stats(concert).block().waiting()).isEqualTo(11);
	}

	@Test
	void noCapWhenZero() {
		long concert = room();
		assertThat(Flux.range(0, 30)
			.flatMap(i -> scripts.enter(concert, "crowd-" + i, "198.51.100.9", 0))
			.map(Entry::status)
			.collectList()
			.block()).containsOnly(EntryStatus.WAITING).hasSize(30);
	}

}
