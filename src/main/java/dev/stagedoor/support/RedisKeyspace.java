package dev.stagedoor.support;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stagedoor.redis.key-prefix}: an optional prefix in front of every Redis key, so
 * several deployments (or test runs) can share one Redis. It stands before the hash tag,
 * so it never changes which cluster slot a key lands in relative to its siblings.
 */
@ConfigurationProperties("stagedoor.redis")
public record RedisKeyspace(@DefaultValue("") String keyPrefix) {

	/** The hash-tagged root for one entity, e.g. {@code {c:42}}. */
	public String root(String kind, Object id) {
		return this.keyPrefix + "{" + kind + ":" + id + "}";
	}

	/**
	 * The root every key of one schedule starts with, whichever feature owns the key: a
	 * script may touch only keys of one cluster slot, and a reservation's transitions touch
	 * catalog, reservation, payment, cancellation and outbox keys of its schedule at once.
	 */
	public String schedule(long scheduleId) {
		return root("s", scheduleId);
	}

}
