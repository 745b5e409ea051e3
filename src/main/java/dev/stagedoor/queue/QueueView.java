package dev.stagedoor.queue;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A user's place in a waiting room, as the API shows it. {@code position} and
 * {@code etaSeconds} only while WAITING; {@code token} only when ADMITTED. {@code expiresAt}
 * is when the waiting place lapses unless the user is seen again (WAITING), or when the
 * admission ends (ADMITTED).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueueView(Status status, Long position, Long etaSeconds, String token, Instant expiresAt) {

	public enum Status {

		WAITING, ADMITTED

	}

	static QueueView waiting(long position, long etaSeconds, Instant expiresAt) {
		return new QueueView(Status.WAITING, position, etaSeconds, null, expiresAt);
	}

	static QueueView admitted(String token, Instant expiresAt) {
		return new QueueView(Status.ADMITTED, null, null, token, expiresAt);
	}

	/** What a follower cares about; the refreshed {@code expiresAt} of a waiting place is not news. */
	Object progress() {
		return isAdmitted() ? this.status : java.util.List.of(this.status, this.position, this.etaSeconds);
	}

	boolean isAdmitted() {
		return this.status == Status.ADMITTED;
	}

}
