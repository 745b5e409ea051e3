package dev.stagedoor.queue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.limits.BucketState;
import dev.stagedoor.limits.EndpointClass;
import dev.stagedoor.limits.RateLimitProperties;
import dev.stagedoor.limits.RateLimitProperties.Bucket;
import dev.stagedoor.limits.Refusals;
import dev.stagedoor.support.TransientFailures;

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

	private final PollPacing pacing;

	private final QueueEntryProperties entries;

	private final Refusals refusals;

	private final RateLimitProperties limits;

	WaitingRoom(QueueScripts scripts, AdmissionTokens tokens, OpenQueues openQueues, QueueMetrics metrics,
			PollPacing pacing, QueueEntryProperties entries, Refusals refusals, RateLimitProperties limits) {
		this.scripts = scripts;
		this.limits = limits;
		this.entries = entries;
		this.refusals = refusals;
		this.pacing = pacing;
		this.tokens = tokens;
		this.openQueues = openQueues;
		this.metrics = metrics;
	}

	/** Opens the waiting room of a new concert with the default settings. */
	public Mono<Void> open(long concertId) {
		return this.scripts.configure(concertId, null).doOnSuccess(done -> this.openQueues.add(concertId));
	}

	/** Enters without limits (no entry buckets, no per-address cap): the instance's own callers. */
	Mono<QueueOutcome> enter(long concertId, String user) {
		return enter(concertId, user, null).map(Entered::outcome);
	}

	/**
	 * Enters from a client address: within the room's entry buckets ({@code
	 * stagedoor.rate-limit.queue.*}, per user and per address) and
	 * {@code stagedoor.queue.max-entries-per-address-per-minute}, refusals counted in
	 * {@code stagedoor.refusals}; an entry failed by a transient store failure
	 * ({@link TransientFailures#isTransient}: Redis unreachable, timed out or failing over, the
	 * failures answered 503) is counted there as {@code limiter-unavailable}. A {@code null}
	 * address (the instance's own warm-up fans) is neither limited nor capped.
	 */
	Mono<Entered> enter(long concertId, String user, String address) {
		Bucket[] buckets = address == null ? new Bucket[] { Bucket.OFF, Bucket.OFF }
				: this.limits.of(EndpointClass.QUEUE);
		return this.scripts
			.enter(concertId, user, address == null ? "unknown" : address,
					address == null ? 0 : this.entries.maxEntriesPerAddressPerMinute(), buckets[0], buckets[1])
			.doOnError(TransientFailures::isTransient,
					ex -> this.refusals.count(EndpointClass.QUEUE, Refusals.Reason.LIMITER_UNAVAILABLE))
			.map(entry -> new Entered(switch (entry.status()) {
			case RATE_LIMITED -> {
				boolean byUser = "user".equals(entry.limitedBy());
				this.refusals.count(EndpointClass.QUEUE,
						byUser ? Refusals.Reason.USER_RATE : Refusals.Reason.ADDRESS_RATE);
				yield new QueueOutcome.RateLimited(Math.max(1, BucketState.seconds(entry.retryAfterMs())),
						policy(entry.limitedBy()));
			}
			case ADDRESS_LIMIT -> {
				this.refusals.count(EndpointClass.QUEUE, Refusals.Reason.ADDRESS_ENTRIES);
				yield new QueueOutcome.AddressLimited(Math.max(1, BucketState.seconds(entry.retryAfterMs())));
			}
			case UNKNOWN -> new QueueOutcome.UnknownConcert();
			case ADMITTED -> admitted(concertId, user, entry.expiresAt());
			case WAITING -> placed(waiting(entry.position(), entry.placeFreeAt(), entry.pace()), entry.created(),
					entry.pace());
		}, entry.buckets()
			.stream()
			.map(level -> new BucketState(policy(level.bucket()),
					"user".equals(level.bucket()) ? buckets[0] : buckets[1], level.remaining(), level.fullInMs()))
			.toList()));
	}

	/** The name of a queue entry bucket in the RateLimit headers and problems, as the limiter's. */
	private static String policy(String bucket) {
		return EndpointClass.QUEUE.id() + "-" + bucket;
	}

	/** An entry's outcome and the entry buckets as it left them (for the RateLimit headers). */
	record Entered(QueueOutcome outcome, List<BucketState> buckets) {
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
		return this.scripts.status(concertId, users).map(statuses -> {
			Map<String, QueueOutcome> result = new LinkedHashMap<>();
			if (!statuses.known()) {
				users.forEach(u -> result.put(u, new QueueOutcome.UnknownConcert()));
				return result;
			}
			statuses.users().forEach((user, place) -> result.put(user, switch (place.state()) {
				case WAITING -> placed(waiting(place.position(), place.placeFreeAt(), statuses.pace()), false,
						statuses.pace());
				case ADMITTED -> admitted(concertId, user, place.expiresAt());
				case NOT_IN_QUEUE -> new QueueOutcome.NotInQueue();
			}));
			return result;
		});
	}

	Mono<Boolean> leave(long concertId, String user) {
		return this.scripts.leave(concertId, user);
	}

	public Mono<QueueStats> stats(long concertId) {
		return this.scripts.stats(concertId);
	}

	/**
	 * One admission step for one concert; safe to run from every instance at once. The
	 * admissions it made are counted ({@code stagedoor.queue.admissions}).
	 */
	Mono<AdmissionStep> admit(long concertId) {
		return this.scripts.admit(concertId).doOnNext(step -> this.metrics.admitted(concertId, step.admitted()));
	}

	private QueueOutcome.Placed placed(QueueView waiting, boolean created, QueueScripts.Pace pace) {
		return new QueueOutcome.Placed(waiting, created,
				this.pacing.waitingSeconds(waiting.etaSeconds(), pace.waiting(), rate(pace)));
	}

	/**
	 * The place of a user admitted until {@code expiresAtMillis}, with a new Queue-Token (also
	 * for a stream told of an admission it did not ask about).
	 */
	QueueOutcome.Placed admitted(long concertId, String user, long expiresAtMillis) {
		Instant expiresAt = Instant.ofEpochMilli(expiresAtMillis);
		return new QueueOutcome.Placed(QueueView.admitted(this.tokens.issue(user, concertId, expiresAt), expiresAt),
				false, PollPacing.ADMITTED_SECONDS);
	}

	/**
	 * The ETA is the longer of two waits: the position divided by the admission rate observed
	 * over the last ten seconds (the configured rate while nothing has been admitted lately),
	 * and the wait until a place in the room is free for this position ({@code placeFreeAt},
	 * 0 when one is free now; see {@code queue_status.lua}): in a full room nobody is
	 * admitted before an admission ends, however fast the room may admit.
	 */
	private QueueView waiting(long position, long placeFreeAtMillis, QueueScripts.Pace pace) {
		double rate = rate(pace);
		long byRate = (long) Math.ceil(position / rate);
		long byPlaces = (long) Math.ceil(Math.max(0, placeFreeAtMillis - pace.now()) / 1000.0);
		return QueueView.waiting(position, Math.max(byRate, byPlaces),
				Instant.ofEpochMilli(pace.now() + this.scripts.idleTimeoutMillis()));
	}

	/** Fans admitted a second: as observed over the last ten seconds, else as configured. */
	private static double rate(QueueScripts.Pace pace) {
		return pace.admittedLast10s() > 0 ? pace.admittedLast10s() / 10.0 : pace.perSecond();
	}

	/** The admin view of a room: counters, then the settings in force. */
	public record QueueStats(long waiting, long active, long admittedTotal, int maxActive, int admitPerSecond,
			long activeTtlSeconds) {
	}

	/**
	 * What one admission step did: how many it admitted, how many admissions it found ended
	 * and waiting places abandoned; the users it admitted, front first, and when their
	 * admissions end (epoch ms; 0 when it admitted nobody).
	 */
	record AdmissionStep(long admitted, long expired, long abandoned, List<String> users, long until) {

		static final AdmissionStep NONE = new AdmissionStep(0, 0, 0, List.of(), 0);

	}

}
