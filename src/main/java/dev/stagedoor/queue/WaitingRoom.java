package dev.stagedoor.queue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The waiting room of each concert: entering, looking up one's place, leaving. Every
 * change is one Lua script over the concert's keys; this class turns the replies into
 * {@link QueueOutcome}s.
 */
@Component
public class WaitingRoom {

	private final QueueScripts scripts;

	private final AdmissionTokens tokens;

	private final OpenQueues openQueues;

	WaitingRoom(QueueScripts scripts, AdmissionTokens tokens, OpenQueues openQueues) {
		this.scripts = scripts;
		this.tokens = tokens;
		this.openQueues = openQueues;
	}

	/** Opens the waiting room of a new concert with the default settings. */
	public Mono<Void> open(long concertId) {
		return this.scripts.configure(concertId, null).doOnSuccess(done -> this.openQueues.add(concertId));
	}

	Mono<QueueOutcome> enter(long concertId, String user) {
		return this.scripts.enter(concertId, user).map(reply -> switch (reply.get(0)) {
			case "UNKNOWN" -> new QueueOutcome.UnknownConcert();
			case "ADMITTED" -> new QueueOutcome.Placed(admitted(concertId, user, reply.get(2)), false);
			default -> new QueueOutcome.Placed(waiting(Long.parseLong(reply.get(2)), Long.parseLong(reply.get(4)),
					Long.parseLong(reply.get(5)), Long.parseLong(reply.get(3))), "1".equals(reply.get(1)));
		});
	}

	Mono<QueueOutcome> status(long concertId, String user) {
		return statusOf(concertId, List.of(user)).map(all -> all.getOrDefault(user, new QueueOutcome.UnknownConcert()));
	}

	/**
	 * The status of many users of one concert in one Redis call; waiting users count as seen.
	 * Users not in the queue map to {@link QueueOutcome.NotInQueue}; an unknown concert maps
	 * every user to {@link QueueOutcome.UnknownConcert}.
	 */
	Mono<Map<String, QueueOutcome>> statusOf(long concertId, List<String> users) {
		return this.scripts.status(concertId, users).map(reply -> {
			Map<String, QueueOutcome> result = new LinkedHashMap<>();
			if ("UNKNOWN".equals(reply.get(0))) {
				users.forEach(u -> result.put(u, new QueueOutcome.UnknownConcert()));
				return result;
			}
			long now = Long.parseLong(reply.get(1));
			long recent = Long.parseLong(reply.get(2));
			long perSecond = Long.parseLong(reply.get(3));
			long placeExpiresAt = now + this.scripts.idleTimeoutMillis();
			for (int i = 0; i < users.size(); i++) {
				String user = users.get(i);
				String state = reply.get(4 + 2 * i);
				String value = reply.get(5 + 2 * i);
				result.put(user, switch (state) {
					case "W" -> new QueueOutcome.Placed(waiting(Long.parseLong(value), recent, perSecond, placeExpiresAt),
							false);
					case "A" -> new QueueOutcome.Placed(admitted(concertId, user, value), false);
					default -> new QueueOutcome.NotInQueue();
				});
			}
			return result;
		});
	}

	Mono<Boolean> leave(long concertId, String user) {
		return this.scripts.leave(concertId, user);
	}

	Mono<QueueStats> stats(long concertId) {
		return this.scripts.stats(concertId)
			.filter(reply -> !"UNKNOWN".equals(reply.get(0)))
			.map(reply -> new QueueStats(Long.parseLong(reply.get(1)), Long.parseLong(reply.get(2)),
					Long.parseLong(reply.get(3)), Integer.parseInt(reply.get(4)), Integer.parseInt(reply.get(5)),
					Long.parseLong(reply.get(6)) / 1000));
	}

	/** One admission step for one concert; safe to run from every instance at once. */
	Mono<AdmissionStep> admit(long concertId) {
		return this.scripts.admit(concertId)
			.map(reply -> new AdmissionStep(Long.parseLong(reply.get(0)), Long.parseLong(reply.get(1)),
					Long.parseLong(reply.get(2))));
	}

	private QueueView admitted(long concertId, String user, String expiresAtMillis) {
		Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(expiresAtMillis));
		return QueueView.admitted(this.tokens.issue(user, concertId, expiresAt), expiresAt);
	}

	/**
	 * The ETA divides the position by the admission rate observed over the last ten seconds,
	 * or by the configured rate while nothing has been admitted lately.
	 */
	private static QueueView waiting(long position, long admittedLast10s, long perSecond, long placeExpiresAtMillis) {
		double rate = admittedLast10s > 0 ? admittedLast10s / 10.0 : perSecond;
		long eta = (long) Math.ceil(position / rate);
		return QueueView.waiting(position, eta, Instant.ofEpochMilli(placeExpiresAtMillis));
	}

	/** The admin view of a room: counters, then the settings in force. */
	record QueueStats(long waiting, long active, long admittedTotal, int maxActive, int admitPerSecond,
			long activeTtlSeconds) {
	}

	record AdmissionStep(long admitted, long expired, long abandoned) {
	}

}
