package dev.stagedoor.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import dev.stagedoor.limits.RateLimitProperties.Bucket;
import dev.stagedoor.queue.QueueScripts.Entry;
import dev.stagedoor.queue.QueueScripts.EntryStatus;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The limits of enter_queue.lua against Redis. The per-address cap: distinct users per address
 * and room per minute, racing (exactly the cap gets in, the rest get the documented
 * ADDRESS_LIMIT reply); a refused entry takes no place; re-entries and other addresses
 * and rooms are not held back. The entry buckets (per user and per address, of one room):
 * exactly their capacity gets in, racing; both buckets or neither give a token; a refusal of
 * either kind takes no place and no token.
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
				Duration.ofSeconds(15), Duration.ofSeconds(15), 500, 0.5, Duration.ofMillis(200));
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
			.flatMap(i -> scripts.enter(concert, "fleet-" + i, "198.51.100.4", 10, Bucket.OFF, Bucket.OFF), 50)
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
			assertThat(scripts.enter(concert, user, "198.51.100.4", 10, Bucket.OFF, Bucket.OFF).block().status()).isEqualTo(EntryStatus.WAITING);
		}
		assertThat(scripts.enter(concert, "fleet-new", "198.51.100.5", 10, Bucket.OFF, Bucket.OFF).block().status())
			.isEqualTo(EntryStatus.WAITING);
		assertThat(scripts.enter(room(), "fleet-new", "198.51.100.4", 10, Bucket.OFF, Bucket.OFF).block().status())
			.isEqualTo(EntryStatus.WAITING);
		// a user who left and comes back within the minute counts once
		scripts.leave(concert, inside.get(0)).block();
		assertThat(scripts.enter(concert, inside.get(0), "198.51.100.4", 10, Bucket.OFF, Bucket.OFF).block().status())
			.isEqualTo(EntryStatus.WAITING);
		assertThat(scripts.stats(concert).block().waiting()).isEqualTo(11);
	}

	@Test
	void twoHundredDistinctUsersFromOneAddressAtOnceWithACapOfTwentyLetExactlyTwentyIn() {
		long concert = room();
		List<String> users = Flux.range(0, 200).map(i -> "racer-" + i).collectList().block();
		Map<String, Entry> entries = Flux.fromIterable(users)
			.flatMap(user -> scripts.enter(concert, user, "198.51.100.30", 20, Bucket.OFF, Bucket.OFF)
				.map(entry -> Map.entry(user, entry)), 200)
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block();
		assertThat(entries).hasSize(200);
		Map<EntryStatus, Long> byStatus = entries.values()
			.stream()
			.collect(Collectors.groupingBy(Entry::status, Collectors.counting()));
		assertThat(byStatus).containsOnly(Map.entry(EntryStatus.WAITING, 20L),
				Map.entry(EntryStatus.ADDRESS_LIMIT, 180L));
		// the documented refusal: {'ADDRESS_LIMIT', 'retryAfterMs', ms until the address may bring a
		// new user}, within the minute, no bucket levels (both buckets off), no place
		assertThat(entries.values()).filteredOn(e -> e.status() == EntryStatus.ADDRESS_LIMIT).allSatisfy(e -> {
			assertThat(e.retryAfterMs()).isBetween(1L, 60_000L);
			assertThat(e.created()).isFalse();
			assertThat(e.buckets()).isEmpty();
		});
		assertThat(entries.values()).filteredOn(e -> e.status() == EntryStatus.WAITING).allMatch(Entry::created);

		// in the room: exactly the twenty let in, the others nowhere; the address counts twenty users
		assertThat(scripts.stats(concert).block().waiting()).isEqualTo(20);
		Map<String, QueueScripts.UserState> states = new HashMap<>();
		scripts.status(concert, users).block().users().forEach((user, place) -> states.put(user, place.state()));
		assertThat(states).hasSize(200);
		users.forEach(user -> assertThat(states.get(user)).as(user)
			.isEqualTo(entries.get(user).status() == EntryStatus.WAITING ? QueueScripts.UserState.WAITING
					: QueueScripts.UserState.NOT_IN_QUEUE));
		assertThat(redis.template()
			.opsForZSet()
			.size(scripts.keys(concert).entriesFrom("198.51.100.30"))
			.block()).isEqualTo(20);
	}

	@Test
	void noCapWhenZero() {
		long concert = room();
		assertThat(Flux.range(0, 30)
			.flatMap(i -> scripts.enter(concert, "crowd-" + i, "198.51.100.9", 0, Bucket.OFF, Bucket.OFF))
			.map(Entry::status)
			.collectList()
			.block()).containsOnly(EntryStatus.WAITING).hasSize(30);
	}

	/** One token every 1,000 s: none comes back while a test runs. */
	private static Bucket burst(int capacity) {
		return new Bucket(capacity, 0.001);
	}

	@Test
	void twoHundredEntriesOfOneUserAtOnceGetExactlyTheUsersBucket() {
		long concert = room();
		List<Entry> entries = Flux.range(0, 200)
			.flatMap(i -> scripts.enter(concert, "hammer", "198.51.100.20", 0, burst(20), Bucket.OFF), 200)
			.collectList()
			.block();
		Map<EntryStatus, Long> byStatus = entries.stream()
			.collect(Collectors.groupingBy(Entry::status, Collectors.counting()));
		assertThat(byStatus).containsOnly(Map.entry(EntryStatus.WAITING, 20L), Map.entry(EntryStatus.RATE_LIMITED, 180L));
		assertThat(entries).filteredOn(Entry::created).hasSize(1);
		assertThat(entries).filteredOn(e -> e.status() == EntryStatus.RATE_LIMITED).allSatisfy(e -> {
			assertThat(e.limitedBy()).isEqualTo("user");
			assertThat(e.retryAfterMs()).isBetween(1L, 1_000_000L);
			assertThat(e.buckets()).containsExactly(new QueueScripts.Level("user", 0, e.buckets().get(0).fullInMs()));
		});
		// the levels the allowed entries saw: 19 down to 0, each once
		assertThat(entries.stream()
			.filter(e -> e.status() == EntryStatus.WAITING)
			.map(e -> e.buckets().get(0).remaining())
			.sorted()
			.toList()).isEqualTo(LongStream.range(0, 20).boxed().toList());
		assertThat(scripts.stats(concert).block().waiting()).isEqualTo(1);
	}

	@Test
	void twoHundredUsersFromOneAddressAtOnceGetExactlyTheAddresssBucketAndTheRestTakeNoPlace() {
		long concert = room();
		List<Entry> entries = Flux.range(0, 200)
			.flatMap(i -> scripts.enter(concert, "crowd-" + i, "198.51.100.21", 0, burst(5), burst(50)), 200)
			.collectList()
			.block();
		Map<EntryStatus, Long> byStatus = entries.stream()
			.collect(Collectors.groupingBy(Entry::status, Collectors.counting()));
		assertThat(byStatus).containsOnly(Map.entry(EntryStatus.WAITING, 50L), Map.entry(EntryStatus.RATE_LIMITED, 150L));
		assertThat(entries).filteredOn(e -> e.status() == EntryStatus.RATE_LIMITED)
			.allSatisfy(e -> assertThat(e.limitedBy()).isEqualTo("address"));
		assertThat(scripts.stats(concert).block().waiting()).isEqualTo(50);
	}

	@Test
	void anEntryRefusedByOneBucketOrByTheCapTakesNoTokenFromTheOther() {
		long concert = room();
		// the address's bucket holds one entry: the second user is refused by it
		assertThat(scripts.enter(concert, "first", "198.51.100.22", 0, burst(5), burst(1)).block().status())
			.isEqualTo(EntryStatus.WAITING);
		Entry refused = scripts.enter(concert, "second", "198.51.100.22", 0, burst(5), burst(1)).block();
		assertThat(refused.status()).isEqualTo(EntryStatus.RATE_LIMITED);
		assertThat(refused.limitedBy()).isEqualTo("address");
		// ...and its own bucket gave nothing: from another address it still has all five
		Entry elsewhere = scripts.enter(concert, "second", "198.51.100.23", 0, burst(5), burst(1)).block();
		assertThat(elsewhere.status()).isEqualTo(EntryStatus.WAITING);
		assertThat(elsewhere.buckets()).extracting(QueueScripts.Level::bucket, QueueScripts.Level::remaining)
			.containsExactly(tuple("user", 4L), tuple("address", 0L));

		// the per-address cap refuses a third user: neither of its buckets gives a token
		long capped = room();
		assertThat(scripts.enter(capped, "inside", "198.51.100.24", 1, burst(5), burst(5)).block().status())
			.isEqualTo(EntryStatus.WAITING);
		Entry overCap = scripts.enter(capped, "outside", "198.51.100.24", 1, burst(5), burst(5)).block();
		assertThat(overCap.status()).isEqualTo(EntryStatus.ADDRESS_LIMIT);
		assertThat(overCap.buckets()).extracting(QueueScripts.Level::bucket, QueueScripts.Level::remaining)
			.containsExactly(tuple("user", 5L), tuple("address", 4L));
		assertThat(scripts.enter(capped, "inside", "198.51.100.24", 1, burst(5), burst(5)).block().buckets())
			.extracting(QueueScripts.Level::remaining)
			.containsExactly(3L, 3L);
		assertThat(scripts.stats(capped).block().waiting()).isEqualTo(1);
	}

}
