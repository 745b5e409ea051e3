package dev.stagedoor.support;

import java.util.List;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** One loaded script that replies a status and named fields ({@link ScriptReply}), with its name for errors. */
public record LuaScript(String name, RedisScript<List<Object>> script) {

	public static LuaScript load(String name) {
		return new LuaScript(name + ".lua", LuaScripts.load(name));
	}

	public Mono<ScriptReply> run(ReactiveStringRedisTemplate redis, List<String> keys, List<String> args) {
		return LuaScripts.run(redis, this.script, keys, args).map(reply -> ScriptReply.of(this.name, reply));
	}

}
