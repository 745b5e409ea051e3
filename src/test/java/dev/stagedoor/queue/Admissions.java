package dev.stagedoor.queue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import reactor.core.publisher.Flux;

/** Test support: admits users to a concert's waiting room and hands out their queue tokens. */
public final class Admissions {

	private Admissions() {
	}

	/**
	 * Enters every user, runs admission steps until all are admitted (the room must allow it:
	 * configure a large maxActive and admitPerSecond first), and returns user → Queue-Token.
	 */
	public static Map<String, String> admit(WaitingRoom room, long concertId, List<String> users) {
		Flux.fromIterable(users).flatMap(user -> room.enter(concertId, user), 64).blockLast();
		for (int step = 0; step < 1000; step++) {
			Map<String, QueueOutcome> statuses = room.statusOf(concertId, users).block();
			if (statuses.values()
				.stream()
				.allMatch(o -> o instanceof QueueOutcome.Placed placed && placed.view().isAdmitted())) {
				return statuses.entrySet()
					.stream()
					.collect(Collectors.toMap(Map.Entry::getKey,
							e -> ((QueueOutcome.Placed) e.getValue()).view().token()));
			}
			room.admit(concertId).block();
		}
		throw new IllegalStateException("users were not admitted; is the room configured to admit them?");
	}

	/** Enters one user (as POST /queue does) without admitting anyone. */
	public static void enter(WaitingRoom room, long concertId, String user) {
		room.enter(concertId, user).block();
	}

	/** One admission step, as the background ticker runs it. */
	public static void step(WaitingRoom room, long concertId) {
		room.admit(concertId).block();
	}

	public static String admit(WaitingRoom room, long concertId, String user) {
		return admit(room, concertId, List.of(user)).get(user);
	}

}
