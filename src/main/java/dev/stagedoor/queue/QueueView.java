package dev.stagedoor.queue;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A user's place in a waiting room, as the API shows it. {@code position} and
 * {@code etaSeconds} only while WAITING; {@code token} only when ADMITTED. {@code expiresAt}
 * is when the waiting place lapses unless the user is seen again (WAITING), or when the
 * admission ends (ADMITTED). {@code pollAfterSeconds} only in answers to polls (enter,
 * status), never in stream events: when to ask again ({@link PollPacing}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueueView(Status status, Long position, Long etaSeconds, String token, Instant expiresAt,
		Long pollAfterSeconds) {

	public enum Status {

		WAITING, ADMITTED

	}

	static QueueView waiting(long position, long etaSeconds, Instant expiresAt) {
		return new QueueView(Status.WAITING, position, etaSeconds, null, expiresAt, null);
	}

	static QueueView admitted(String token, Instant expiresAt) {
		return new QueueView(Status.ADMITTED, null, null, token, expiresAt, null);
	}

	/** This view as the answer to a poll: with when to poll again. */
	QueueView polledAgainAfter(long seconds) {
		return new QueueView(this.status, this.position, this.etaSeconds, this.token, this.expiresAt, seconds);
	}

	/**
	 * What a follower must hear about when it changes: position and ETA while waiting, the
	 * admission's end once admitted. A waiting place's {@code expiresAt} moves forward at
	 * every refresh, so it is not part of it ({@link QueueStreams.Pacing} re-sends it when it
	 * has moved far enough).
	 */
	Object progress() {
		return isAdmitted() ? java.util.List.of(this.status, this.expiresAt)
				: java.util.List.of(this.status, this.position, this.etaSeconds);
	}

	boolean isAdmitted() {
		return this.status == Status.ADMITTED;
	}

}
