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

	private final QueueMetrics metrics;

	WaitingRoom(QueueScripts scripts, AdmissionTokens tokens, OpenQueues openQueues, QueueMetrics metrics) {
		this.scripts = scripts;
		this.tokens = tokens;
		this.openQueues = openQueues;
		this.metrics = metrics;
	}

	/** Opens the waiting room of a new concert with the default settings. */
	public Mono<Void> open(long concertId) {
		return this.scripts.configure(concertId, null).doOnSuccess(done -> this.openQueues.add(concertId));
	}

	Mono<QueueOutcome> enter(long concertId, String user) {
		return this.scripts.enter(concertId, user).map(reply -> switch (reply.get(0)) {
			case "UNKNOWN" -> new QueueOutcome.UnknownConcert();
			case "ADMITTED" -> new QueueOutcome.Placed(admitted(concertId, user, reply.get(2)), false);
			default -> {
				// 'WAITING', created, position, now, admits in last 10 s, admits per second, place free at
				RoomPace pace = new RoomPace(Long.parseLong(reply.get(3)), Long.parseLong(reply.get(4)),
						Long.parseLong(reply.get(5)));
				yield new QueueOutcome.Placed(waiting(Long.parseLong(reply.get(2)), Long.parseLong(reply.get(6)), pace),
						"1".equals(reply.get(1)));
			}
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
			// 'OK', now, admits in last 10 s, admits per second, then per user: state, value, place free at
			RoomPace pace = new RoomPace(Long.parseLong(reply.get(1)), Long.parseLong(reply.get(2)),
					Long.parseLong(reply.get(3)));
			for (int i = 0; i < users.size(); i++) {
				String user = users.get(i);
				int at = 4 + 3 * i;
				String state = reply.get(at);
				String value = reply.get(at + 1);
				String placeFreeAt = reply.get(at + 2);
				result.put(user, switch (state) {
					case "W" -> new QueueOutcome.Placed(
							waiting(Long.parseLong(value), Long.parseLong(placeFreeAt), pace), false);
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

	/**
	 * One admission step for one concert; safe to run from every instance at once. The
	 * admissions it made are counted ({@code stagedoor.queue.admissions}).
	 */
	Mono<AdmissionStep> admit(long concertId) {
		return this.scripts.admit(concertId)
			.map(reply -> new AdmissionStep(Long.parseLong(reply.get(0)), Long.parseLong(reply.get(1)),
					Long.parseLong(reply.get(2))))
			.doOnNext(step -> this.metrics.admitted(concertId, step.admitted()));
	}

	private QueueView admitted(long concertId, String user, String expiresAtMillis) {
		Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(expiresAtMillis));
		return QueueView.admitted(this.tokens.issue(user, concertId, expiresAt), expiresAt);
	}

	/**
	 * The ETA is the longer of two waits: the position divided by the admission rate observed
	 * over the last ten seconds (the configured rate while nothing has been admitted lately),
	 * and the wait until a place in the room is free for this position ({@code placeFreeAt},
	 * 0 when one is free now; see {@code queue_status.lua}): in a full room nobody is
	 * admitted before an admission ends, however fast the room may admit.
	 */
	private QueueView waiting(long position, long placeFreeAtMillis, RoomPace pace) {
		double rate = pace.admittedLast10s() > 0 ? pace.admittedLast10s() / 10.0 : pace.perSecond();
		long byRate = (long) Math.ceil(position / rate);
		long byPlaces = (long) Math.ceil(Math.max(0, placeFreeAtMillis - pace.now()) / 1000.0);
		return QueueView.waiting(position, Math.max(byRate, byPlaces),
				Instant.ofEpochMilli(pace.now() + this.scripts.idleTimeoutMillis()));
	}

	/** What the scripts report about a room along with a waiting place: Redis time and admission rates. */
	private record RoomPace(long now, long admittedLast10s, long perSecond) {
	}

	/** The admin view of a room: counters, then the settings in force. */
	record QueueStats(long waiting, long active, long admittedTotal, int maxActive, int admitPerSecond,
			long activeTtlSeconds) {
	}

	record AdmissionStep(long admitted, long expired, long abandoned) {
	}

}
