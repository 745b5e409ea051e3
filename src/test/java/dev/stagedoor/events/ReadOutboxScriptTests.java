package dev.stagedoor.events;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.script.RedisScript;

import dev.stagedoor.events.OutboxRelay.Entry;
import dev.stagedoor.support.LuaScripts;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * read_outbox.lua driven straight against Redis (no Spring context), its reply read by
 * {@link OutboxRelay#entries}: nothing for a missing stream, new entries, the caller's own
 * pending ones again, and entries pending with another consumer once idle long enough.
 */
class ReadOutboxScriptTests {

	static ScriptRedis redis;

	static final RedisScript<List<Object>> read = LuaScripts.load("read_outbox");

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(ReadOutboxScriptTests.class);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void readsNewThenOwnPendingThenClaimsTheIdleEntriesOfOthers() {
		String stream = OutboxKeys.of(redis.keyspace(), 1).outbox();
		assertThat(read(stream, "a", 60_000)).isEmpty();

		String first = add(stream, Map.of("eventId", "1-x:1", "type", "HELD"));
		String second = add(stream, Map.of("eventId", "1-x:2", "type", "RELEASED"));
		List<Entry> fresh = read(stream, "a", 60_000);
		assertThat(fresh).extracting(Entry::id).containsExactly(first, second);
		assertThat(fresh.get(1).fields()).isEqualTo(Map.of("eventId", "1-x:2", "type", "RELEASED"));

		// not acknowledged: "a" gets them again, "b" not while they are fresh
		assertThat(read(stream, "a", 60_000)).extracting(Entry::id).containsExactly(first, second);
		assertThat(read(stream, "b", 60_000)).isEmpty();
		redis.awaitPast(redis.now() + 20);
		assertThat(read(stream, "b", 10)).extracting(Entry::id).containsExactly(first, second);
	}

	@Test
	void theArgumentsFollowTheScriptsLayout() {
		// ARGV: 1 group, 2 consumer, 3 claim idle ms, 4 count
		assertThat(OutboxRelay.readArguments("host-1", 30_000, 500)).containsExactly("relay", "host-1", "30000", "500");
		assertThat(LuaScripts.source("read_outbox")).contains("-- KEYS: 1 outbox stream")
			.contains("-- ARGV: 1 group, 2 consumer, 3 claim idle ms, 4 count");
	}

	private static String add(String stream, Map<String, String> fields) {
		return redis.template().opsForStream().add(StreamRecords.string(fields).withStreamKey(stream)).block().getValue();
	}

	private static List<Entry> read(String stream, String consumer, long claimIdleMillis) {
		return OutboxRelay.entries(LuaScripts.run(redis.template(), read, List.of(stream),
				OutboxRelay.readArguments(consumer, claimIdleMillis, 100)).block());
	}

}
