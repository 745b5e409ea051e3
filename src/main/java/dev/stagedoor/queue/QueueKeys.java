package dev.stagedoor.queue;

import java.util.List;

import dev.stagedoor.support.RedisKeyspace;

/**
 * The Redis keys of one concert's waiting room; all share the hash tag {@code {c:<id>}}. Public
 * so that tests and benchmarks that look into a room name its keys through here, never by hand.
 */
public record QueueKeys(String cfg, String waiting, String seen, String active, String sequence, String admits,
		String admittedTotal, String root) {

	public static QueueKeys of(RedisKeyspace keyspace, long concertId) {
		String root = keyspace.root("c", concertId);
		return new QueueKeys(root + ":cfg", root + ":waiting", root + ":seen", root + ":active", root + ":seq",
				root + ":admits", root + ":admitted", root);
	}

	/**
	 * The users who entered this room from one client address in the last minute (user → ms of
	 * the first entry), for the per-address cap.
	 */
	public String entriesFrom(String address) {
		return this.root + ":from:" + address;
	}

	/**
	 * One user's token bucket for entering this room: under the room's hash tag, so the entry
	 * script takes it in the same call.
	 */
	public String userEntryBucket(String user) {
		return this.root + ":rl:u:" + user;
	}

	/** One client address's token bucket for entering this room (as {@link #userEntryBucket}). */
	public String addressEntryBucket(String address) {
		return this.root + ":rl:a:" + address;
	}

	List<String> all() {
		return List.of(this.cfg, this.waiting, this.seen, this.active, this.sequence, this.admits, this.admittedTotal);
	}

}
