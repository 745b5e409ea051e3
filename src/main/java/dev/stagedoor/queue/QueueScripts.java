package dev.stagedoor.queue;

import java.util.ArrayList;
import java.util.List;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.support.LuaScripts;
import dev.stagedoor.support.RedisKeyspace;

/** The waiting room's Lua scripts, each loaded once; replies are returned raw to {@link WaitingRoom}. */
@Component
class QueueScripts {

	private static final int IDLE_REMOVALS_PER_STEP = 1000;

	private final RedisScript<List<Object>> enter = LuaScripts.load("enter_queue");

	private final RedisScript<List<Object>> status = LuaScripts.load("queue_status");

	private final RedisScript<List<Object>> leave = LuaScripts.load("leave_queue");

	private final RedisScript<List<Object>> admit = LuaScripts.load("admit_from_queue");

	private final RedisScript<List<Object>> stats = LuaScripts.load("queue_stats");

	private final RedisScript<List<Object>> configure = LuaScripts.load("configure_queue");

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	private final QueueProperties properties;

	QueueScripts(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, QueueProperties properties) {
		this.redis = redis;
		this.keyspace = keyspace;
		this.properties = properties;
	}

	QueueKeys keys(long concertId) {
		return QueueKeys.of(this.keyspace, concertId);
	}

	Mono<List<String>> enter(long concertId, String user) {
		QueueKeys k = keys(concertId);
		List<String> args = new ArrayList<>(4);
		args.add(user);
		args.addAll(paceDefaults());
		return run(this.enter, List.of(k.cfg(), k.waiting(), k.seen(), k.active(), k.sequence(), k.admits()), args);
	}

	Mono<List<String>> status(long concertId, List<String> users) {
		QueueKeys k = keys(concertId);
		List<String> args = new ArrayList<>(users.size() + 4);
		args.add(idleMillis());
		args.addAll(paceDefaults());
		args.addAll(users);
		return run(this.status, List.of(k.cfg(), k.waiting(), k.seen(), k.active(), k.admits()), args);
	}

	Mono<Boolean> leave(long concertId, String user) {
		QueueKeys k = keys(concertId);
		return run(this.leave, List.of(k.waiting(), k.seen(), k.active()), List.of(user))
			.map(reply -> Long.parseLong(reply.get(0)) > 0);
	}

	/** Reply: admitted, expired actives removed, idle waiting users removed. */
	Mono<List<String>> admit(long concertId) {
		QueueKeys k = keys(concertId);
		List<String> args = new ArrayList<>(defaultSettings());
		args.add(idleMillis());
		args.add(String.valueOf(IDLE_REMOVALS_PER_STEP));
		return run(this.admit, List.of(k.cfg(), k.waiting(), k.seen(), k.active(), k.admits(), k.admittedTotal()),
				args);
	}

	Mono<List<String>> stats(long concertId) {
		QueueKeys k = keys(concertId);
		return run(this.stats, List.of(k.cfg(), k.waiting(), k.active(), k.admittedTotal()), defaultSettings());
	}

	/** Opens the room; with settings, they replace the defaults for this concert. */
	Mono<Void> configure(long concertId, QueueSettings settings) {
		List<String> args = settings == null ? List.of()
				: List.of(String.valueOf(settings.maxActive()), String.valueOf(settings.admitPerSecond()),
						String.valueOf(settings.activeTtl().toMillis()));
		return run(this.configure, List.of(keys(concertId).cfg()), args).then();
	}

	Mono<Boolean> isActive(long concertId, String user) {
		return status(concertId, List.of(user)).map(reply -> reply.size() > 5 && "A".equals(reply.get(4)));
	}

	private Mono<List<String>> run(RedisScript<List<Object>> script, List<String> keys, List<String> args) {
		return LuaScripts.run(this.redis, script, keys, args);
	}

	/** The defaults the ETA needs when a room has no settings of its own: rate, maxActive, active TTL. */
	private List<String> paceDefaults() {
		QueueSettings defaults = this.properties.defaults();
		return List.of(String.valueOf(defaults.admitPerSecond()), String.valueOf(defaults.maxActive()),
				String.valueOf(defaults.activeTtl().toMillis()));
	}

	private List<String> defaultSettings() {
		QueueSettings defaults = this.properties.defaults();
		return List.of(String.valueOf(defaults.maxActive()), String.valueOf(defaults.admitPerSecond()),
				String.valueOf(defaults.activeTtl().toMillis()));
	}

	long idleTimeoutMillis() {
		return this.properties.idleTimeout().toMillis();
	}

	private String idleMillis() {
		return String.valueOf(idleTimeoutMillis());
	}

}
