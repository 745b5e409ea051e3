package dev.stagedoor.events;

import dev.stagedoor.support.RedisKeyspace;

/**
 * The outbox of one schedule (hash tag {@code {s:<scheduleId>}}): every state script
 * appends its event here in the same call that changes the state, and {@link OutboxRelay}
 * moves the entries to Kafka.
 */
public record OutboxKeys(String root) {

	public static OutboxKeys of(RedisKeyspace keyspace, long scheduleId) {
		return new OutboxKeys(keyspace.schedule(scheduleId));
	}

	/** The outbox stream of reservation events. */
	public String outbox() {
		return this.root + ":outbox";
	}

}
