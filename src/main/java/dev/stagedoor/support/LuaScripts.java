package dev.stagedoor.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Loads the Lua files under {@code lua/} and runs them. Each script is loaded with the prelude
 * in front ({@link #PRELUDE}, the files of {@code lua/lib}): the helpers every transition
 * shares (Redis time, the version and history bump, the one outbox writer, the expire
 * transition) are written once, yet each transition stays one script text and one EVALSHA.
 * Spring's executor sends EVALSHA of that text and falls back to EVAL on NOSCRIPT (after a
 * Redis restart or failover), so no SHA is cached here. A Redis error is an error: it is
 * never read as a successful reply. Line numbers in Redis error messages count the prelude.
 */
public final class LuaScripts {

	/**
	 * The prelude files, in the order they must be defined (reservation uses events and units;
	 * waiting, the waiting list's offers, uses all of them).
	 */
	static final List<String> PRELUDE = List.of("clock", "buckets", "events", "units", "reservation", "waiting");

	private static final String PRELUDE_TEXT = String.join("\n",
			PRELUDE.stream().map(lib -> text("lib/" + lib)).toList());

	private LuaScripts() {
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	public static RedisScript<List<Object>> load(String name) {
		RedisScript script = RedisScript.of(source(name), List.class);
		return script;
	}

	/** The text a script is sent as: the prelude, then the script's own file. */
	public static String source(String name) {
		return PRELUDE_TEXT + "\n-- " + name + ".lua\n" + text(name);
	}

	private static String text(String name) {
		try {
			return new ClassPathResource("lua/" + name + ".lua").getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read lua/" + name + ".lua", ex);
		}
	}

	/** Runs a script whose reply is an array; each element as a string. */
	public static Mono<List<String>> run(ReactiveStringRedisTemplate redis, RedisScript<List<Object>> script,
			List<String> keys, List<String> args) {
		return redis.execute(script, keys, args).<Object>map(reply -> reply).collectList().map(LuaScripts::flatten);
	}

	/** Spring emits an array reply either as one list or element by element; both read the same. */
	private static List<String> flatten(List<Object> replies) {
		if (replies.size() == 1 && replies.get(0) instanceof List<?> nested) {
			return nested.stream().map(String::valueOf).toList();
		}
		return replies.stream().map(String::valueOf).toList();
	}

}
