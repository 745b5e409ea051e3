package dev.stagedoor.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.queue.WaitingRoom.AdmissionStep;
import dev.stagedoor.queue.WaitingRoom.QueueStats;
import dev.stagedoor.limits.RateLimitProperties.Bucket;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;
import dev.stagedoor.support.ScriptReply;

/**
 * The waiting room's Lua scripts, each loaded once, and the one place their replies are
 * decoded (by field name) for {@link WaitingRoom}.
 */
@Component
class QueueScripts {

	private static final int IDLE_REMOVALS_PER_STEP = 1000;

	private final LuaScript enter = LuaScript.load("enter_queue");

	private final LuaScript status = LuaScript.load("queue_status");

	private final LuaScript leave = LuaScript.load("leave_queue");

	private final LuaScript admit = LuaScript.load("admit_from_queue");

	private final LuaScript stats = LuaScript.load("queue_stats");

	private final LuaScript configure = LuaScript.load("configure_queue");

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

	Mono<Entry> enter(long concertId, String user) {
		return enter(concertId, user, "unknown", 0, Bucket.OFF, Bucket.OFF);
	}

	/**
	 * Enters from a client address, taking a token from the user's and the address's entry
	 * buckets of the room first (both or neither; {@link Bucket#OFF} for none): over either the
	 * reply is RATE_LIMITED and nothing changes. A user new to the room is refused
	 * (ADDRESS_LIMIT, no token taken) once {@code maxPerAddress} other users entered from that
	 * address in the last minute (0 = no cap).
	 */
	Mono<Entry> enter(long concertId, String user, String address, int maxPerAddress, Bucket perUser,
			Bucket perAddress) {
		QueueKeys k = keys(concertId);
		List<String> args = new ArrayList<>(9);
		args.add(user);
		args.addAll(paceDefaults());
		args.add(String.valueOf(maxPerAddress));
		args.add(String.valueOf(perUser.capacity()));
		args.add(String.valueOf(perUser.refillPerSecond()));
		args.add(String.valueOf(perAddress.capacity()));
		args.add(String.valueOf(perAddress.refillPerSecond()));
		return run(this.enter, List.of(k.cfg(), k.waiting(), k.seen(), k.active(), k.sequence(), k.admits(),
				k.entriesFrom(address), k.userEntryBucket(user), k.addressEntryBucket(address)), args)
			.map(Entry::of);
	}

	enum EntryStatus {

		UNKNOWN, ADMITTED, WAITING, ADDRESS_LIMIT, RATE_LIMITED

	}

	/**
	 * {@code enter_queue.lua}'s reply: {@code expiresAt} only when ADMITTED; position,
	 * placeFreeAt and pace only when WAITING; retryAfterMs when ADDRESS_LIMIT or RATE_LIMITED,
	 * and then {@code limitedBy} the bucket that refused ("user" or "address"); the levels of
	 * the entry buckets that are on with every reply but UNKNOWN.
	 */
	record Entry(EntryStatus status, boolean created, long expiresAt, long position, long placeFreeAt, Pace pace,
			long retryAfterMs, String limitedBy, List<Level> buckets) {

		static Entry of(ScriptReply reply) {
			EntryStatus status = reply.status(EntryStatus.class);
			List<Level> levels = Level.of(reply);
			return switch (status) {
				case UNKNOWN -> new Entry(status, false, 0, 0, 0, null, 0, null, levels);
				case ADMITTED -> new Entry(status, created(reply), reply.number("expiresAt"), 0, 0, null, 0, null,
						levels);
				case WAITING -> new Entry(status, created(reply), 0, reply.number("position"),
						reply.number("placeFreeAt"), Pace.of(reply), 0, null, levels);
				case ADDRESS_LIMIT -> new Entry(status, false, 0, 0, 0, null, reply.number("retryAfterMs"), null,
						levels);
				case RATE_LIMITED -> new Entry(status, false, 0, 0, 0, null, reply.number("retryAfterMs"),
						reply.text("bucket"), levels);
			};
		}

		private static boolean created(ScriptReply reply) {
			return "1".equals(reply.text("created"));
		}

	}

	/** An entry bucket ("user" or "address") as the entry left it: whole tokens left, ms until full. */
	record Level(String bucket, long remaining, long fullInMs) {

		static List<Level> of(ScriptReply reply) {
			List<Level> levels = new ArrayList<>(2);
			for (String bucket : List.of("user", "address")) {
				if (reply.has(bucket + "Remaining")) {
					levels.add(new Level(bucket, reply.number(bucket + "Remaining"), reply.number(bucket + "FullInMs")));
				}
			}
			return levels;
		}

	}

	/**
	 * What the scripts report about a room along with a waiting place: Redis time, admission
	 * rates and how many fans wait (for {@link PollPacing}).
	 */
	record Pace(long now, long admittedLast10s, long perSecond, long waiting) {

		static Pace of(ScriptReply reply) {
			return new Pace(reply.number("now"), reply.number("admitsLast10s"), reply.number("admitPerSecond"),
					reply.number("waiting"));
		}

	}

	Mono<Statuses> status(long concertId, List<String> users) {
		QueueKeys k = keys(concertId);
		List<String> args = new ArrayList<>(users.size() + 4);
		args.add(idleMillis());
		args.addAll(paceDefaults());
		args.addAll(users);
		return run(this.status, List.of(k.cfg(), k.waiting(), k.seen(), k.active(), k.admits()), args)
			.map(reply -> Statuses.of(reply, users));
	}

	enum UserState {

		WAITING, ADMITTED, NOT_IN_QUEUE

	}

	/** One user's place: position and placeFreeAt when WAITING, expiresAt when ADMITTED (0 otherwise). */
	record UserStatus(UserState state, long position, long placeFreeAt, long expiresAt) {
	}

	/** {@code queue_status.lua}'s reply; an unknown room has no pace and no users. */
	record Statuses(boolean known, Pace pace, Map<String, UserStatus> users) {

		static Statuses of(ScriptReply reply, List<String> users) {
			if ("UNKNOWN".equals(reply.status())) {
				return new Statuses(false, null, Map.of());
			}
			if (!"OK".equals(reply.status())) {
				throw reply.unexpected("unknown status '" + reply.status() + "'");
			}
			Map<String, UserStatus> statuses = new LinkedHashMap<>();
			for (String user : users) {
				UserState state = state(reply, user);
				statuses.put(user, switch (state) {
					case WAITING -> new UserStatus(state, reply.number("position:" + user),
							reply.number("placeFreeAt:" + user), 0);
					case ADMITTED -> new UserStatus(state, 0, 0, reply.number("expiresAt:" + user));
					case NOT_IN_QUEUE -> new UserStatus(state, 0, 0, 0);
				});
			}
			return new Statuses(true, Pace.of(reply), statuses);
		}

		private static UserState state(ScriptReply reply, String user) {
			String state = reply.text("state:" + user);
			try {
				return UserState.valueOf(state);
			}
			catch (IllegalArgumentException ex) {
				throw reply.unexpected("unknown state '" + state + "' of " + user);
			}
		}

	}

	Mono<Boolean> leave(long concertId, String user) {
		QueueKeys k = keys(concertId);
		return run(this.leave, List.of(k.waiting(), k.seen(), k.active()), List.of(user))
			.map(reply -> ok(reply).number("removed") > 0);
	}

	/** One admission step; an unknown room admits nobody. */
	Mono<AdmissionStep> admit(long concertId) {
		QueueKeys k = keys(concertId);
		List<String> args = new ArrayList<>(defaultSettings());
		args.add(idleMillis());
		args.add(String.valueOf(IDLE_REMOVALS_PER_STEP));
		args.add(String.valueOf(this.properties.admissionBurst().toMillis()));
		return run(this.admit, List.of(k.cfg(), k.waiting(), k.seen(), k.active(), k.admits(), k.admittedTotal()),
				args)
			.map(reply -> "UNKNOWN".equals(reply.status()) ? AdmissionStep.NONE : step(ok(reply)));
	}

	/** {@code admit_from_queue.lua}'s OK reply: the counts, and who was admitted until when. */
	private static AdmissionStep step(ScriptReply reply) {
		long admitted = reply.number("admitted");
		List<String> users = new ArrayList<>((int) admitted);
		for (int i = 1; i <= admitted; i++) {
			users.add(reply.text("user:" + i));
		}
		return new AdmissionStep(admitted, reply.number("expired"), reply.number("idle"), List.copyOf(users),
				reply.number("until"));
	}

	/** The counters and settings of a room; empty when there is no such room. */
	Mono<QueueStats> stats(long concertId) {
		QueueKeys k = keys(concertId);
		return run(this.stats, List.of(k.cfg(), k.waiting(), k.active(), k.admittedTotal()), defaultSettings())
			.filter(reply -> !"UNKNOWN".equals(reply.status()))
			.map(reply -> new QueueStats(ok(reply).number("waiting"), reply.number("active"),
					reply.number("admittedTotal"), Math.toIntExact(reply.number("maxActive")),
					Math.toIntExact(reply.number("admitPerSecond")), reply.number("activeTtlMs") / 1000));
	}

	/** Opens the room; with settings, they replace the defaults for this concert. */
	Mono<Void> configure(long concertId, QueueSettings settings) {
		List<String> args = settings == null ? List.of()
				: List.of(String.valueOf(settings.maxActive()), String.valueOf(settings.admitPerSecond()),
						String.valueOf(settings.activeTtl().toMillis()));
		return run(this.configure, List.of(keys(concertId).cfg()), args).map(QueueScripts::ok).then();
	}

	Mono<Boolean> isActive(long concertId, String user) {
		return activeUntil(concertId, user).map(end -> end > 0);
	}

	/**
	 * The end (ms) of the user's admission in force, which identifies that admission; 0 when the
	 * user is not admitted (or the room is unknown).
	 */
	Mono<Long> activeUntil(long concertId, String user) {
		return status(concertId, List.of(user)).map(statuses -> {
			if (!statuses.known()) {
				return 0L;
			}
			UserStatus status = statuses.users().get(user);
			return status.state() == UserState.ADMITTED ? status.expiresAt() : 0L;
		});
	}

	private Mono<ScriptReply> run(LuaScript script, List<String> keys, List<String> args) {
		return script.run(this.redis, keys, args);
	}

	/** The reply of a script whose only status is OK. */
	private static ScriptReply ok(ScriptReply reply) {
		if (!"OK".equals(reply.status())) {
			throw reply.unexpected("unknown status '" + reply.status() + "'");
		}
		return reply;
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
