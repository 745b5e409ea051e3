package dev.stagedoor.limits;

import dev.stagedoor.support.RedisKeyspace;

/**
 * The rate limiter's buckets. Each bucket is one key with a hash tag of its own, per user
 * ({@code {rl:u:<user>}}) or per client address ({@code {rl:a:<address>}}), so buckets
 * spread over a cluster's slots and each script call touches one key. Braces in a user id are
 * escaped, so no user id can move its bucket into another's tag.
 */
public record RateLimitKeys(String prefix) {

	public static RateLimitKeys of(RedisKeyspace keyspace) {
		return new RateLimitKeys(keyspace.keyPrefix());
	}

	/** One user's bucket of one endpoint class. */
	public String user(EndpointClass endpoint, String user) {
		return this.prefix + "{rl:u:" + escape(user) + "}:" + endpoint.id();
	}

	/** One client address's bucket of one endpoint class. */
	public String address(EndpointClass endpoint, String address) {
		return this.prefix + "{rl:a:" + escape(address) + "}:" + endpoint.id();
	}

	static String escape(String id) {
		return id.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
	}

}
