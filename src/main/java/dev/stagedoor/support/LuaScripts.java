package dev.stagedoor.support;

import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Loads the Lua files under {@code lua/} and runs them. Spring's executor sends EVALSHA and
 * falls back to EVAL on NOSCRIPT (after a Redis restart or failover), so no SHA is cached here.
 * A Redis error is an error: it is never read as a successful reply.
 */
public final class LuaScripts {

	private LuaScripts() {
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	public static RedisScript<List<Object>> load(String name) {
		RedisScript script = RedisScript.of(new ClassPathResource("lua/" + name + ".lua"), List.class);
		return script;
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
