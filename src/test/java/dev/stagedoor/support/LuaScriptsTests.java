package dev.stagedoor.support;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The prelude in front of every script, the NOSCRIPT fallback, and reading replies by name. */
class LuaScriptsTests {

	static ScriptRedis redis;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(LuaScriptsTests.class);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void everyScriptGetsThePrelude() {
		long before = System.currentTimeMillis();
		ScriptReply reply = LuaScript.load("prelude_probe").run(redis.template(), List.of(), List.of()).block();
		assertThat(reply.status()).isEqualTo("OK");
		// Redis time, in ms, on the same machine
		assertThat(reply.number("now")).isBetween(before - 5_000, System.currentTimeMillis() + 5_000);
		assertThat(reply.text("member")).isEqualTo("7-abc|fan|x");
		assertThat(reply.text("historyField")).isEqualTo("h3");
		assertThat(reply.text("historyEntry")).isEqualTo("HELD|1234");
		String probe = LuaScripts.source("prelude_probe");
		assertThat(LuaScripts.source("hold_seats")).startsWith(probe.substring(0, probe.indexOf("-- prelude_probe.lua")));
	}

	/** A script Redis does not know (restart, failover, SCRIPT FLUSH) still runs, and is known afterwards. */
	@Test
	void aScriptRedisDoesNotKnowRunsByEvalAndIsCachedThen() {
		// a text no Redis has seen: EVALSHA answers NOSCRIPT, the executor falls back to EVAL
		@SuppressWarnings({ "rawtypes", "unchecked" })
		RedisScript<List<Object>> fresh = (RedisScript) RedisScript
			.of(LuaScripts.source("prelude_probe") + "\n-- " + UUID.randomUUID(), List.class);
		assertThat(scriptExists(fresh.getSha1())).isFalse();
		List<String> reply = LuaScripts.run(redis.template(), fresh, List.of(), List.of()).block();
		assertThat(reply.get(0)).isEqualTo("OK");
		assertThat(scriptExists(fresh.getSha1())).isTrue();
		assertThat(LuaScripts.run(redis.template(), fresh, List.of(), List.of()).block().get(0)).isEqualTo("OK");
	}

	@Test
	void aReplyIsReadByNameAndAnythingElseNamesTheScript() {
		ScriptReply reply = ScriptReply.of("x.lua", List.of("HELD", "amount", "12", "seatIds", "3,4", "empty", ""));
		assertThat(reply.number("amount")).isEqualTo(12);
		assertThat(reply.ids("seatIds")).containsExactly(3L, 4L);
		assertThat(reply.ids("empty")).isEmpty();
		assertThatThrownBy(() -> reply.text("missing")).isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("x.lua")
			.hasMessageContaining("missing");
		assertThatThrownBy(() -> reply.number("seatIds")).isInstanceOf(UnexpectedReplyException.class);
		assertThatThrownBy(() -> reply.status(Thread.State.class)).isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("x.lua replied [HELD, amount, 12, seatIds, 3,4, empty, ]");
		assertThatThrownBy(() -> ScriptReply.of("y.lua", List.of("OK", "dangling")))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("y.lua");
		assertThatThrownBy(() -> ScriptReply.of("y.lua", List.of())).isInstanceOf(UnexpectedReplyException.class);
	}

	private static boolean scriptExists(String sha) {
		return redis.template()
			.execute(connection -> connection.scriptingCommands().scriptExists(sha))
			.next()
			.block();
	}

}
