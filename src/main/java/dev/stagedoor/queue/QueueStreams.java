package dev.stagedoor.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import dev.stagedoor.support.OpenStreams;
import dev.stagedoor.support.Ticker;

/**
 * Status streams of waiting users. Open streams are refreshed together: one tick asks Redis
 * about all users following a concert on this instance in one script call (in chunks), so
 * thousands of open streams cost one round trip per concert per tick, not one per client.
 * Following a stream keeps the waiting place alive. A follower hears about its progress
 * less often the further back it is (every eta / 5, between the poll interval and
 * {@code stream-max-interval}; see {@link QueueProperties#streamUpdateEvery}), so 100,000
 * followers do not mean 200,000 events a second; admission is sent as soon as an admission
 * step of any instance made it ({@link #admitted}, {@link AdmissionNews}), or else at the
 * first tick that sees it, and a waiting place's {@code expiresAt} again every half idle
 * timeout.
 */
@Component
class QueueStreams {

	private static final int USERS_PER_CALL = 500;

	private static final Object END = new Object();

	private final Map<Long, Set<Follower>> followers = new ConcurrentHashMap<>();

	private final WaitingRoom room;

	private final QueueProperties properties;

	private final OpenStreams.Kind open;

	QueueStreams(WaitingRoom room, QueueProperties properties, OpenStreams openStreams) {
		this.room = room;
		this.properties = properties;
		this.open = openStreams.kind("queue");
	}

	/**
	 * {@code status} events, starting with {@code first}, on every change; a heartbeat comment
	 * between them; completes after ADMITTED, or when the user is no longer in the queue.
	 */
	Flux<ServerSentEvent<QueueView>> follow(long concertId, String user, QueueView first) {
		Flux<Object> statuses = Flux.defer(() -> {
			Follower follower = new Follower(user, Sinks.many().replay().latest(), first);
			Set<Follower> set = this.followers.computeIfAbsent(concertId, id -> ConcurrentHashMap.newKeySet());
			set.add(follower);
			Pacing pacing = new Pacing(this.properties);
			return Flux.concat(Mono.just(first), follower.views())
				.filter(pacing::due)
				.takeUntil(QueueView::isAdmitted)
				.<Object>map(view -> view)
				.doFinally(signal -> set.remove(follower));
		}).concatWith(Mono.just(END));
		Flux<Object> heartbeats = Flux.interval(this.properties.heartbeat()).map(tick -> (Object) tick);
		return this.open.track(Flux.merge(statuses, heartbeats)
			.takeUntil(item -> item == END)
			.filter(item -> item != END)
			.map(item -> {
				if (item instanceof QueueView view) {
					return ServerSentEvent.builder(view).event("status").build();
				}
				return ServerSentEvent.<QueueView>builder().comment("heartbeat").build();
			}));
	}

	/** One refresh of every open stream on this instance. */
	Mono<Void> refresh() {
		return Flux.fromIterable(this.followers.entrySet())
			.filter(entry -> !entry.getValue().isEmpty())
			.flatMap(entry -> refresh(entry.getKey(), entry.getValue()), 8)
			.then();
	}

	/**
	 * Tells this instance's followers among {@code users} that they are admitted until
	 * {@code untilMillis} (each with a Queue-Token of its own), without asking Redis: an
	 * admission step (of this instance or, through {@link AdmissionNews}, of another) has
	 * just admitted them. Costs one pass over the room's followers here. Returns how many
	 * streams were told.
	 */
	int admitted(long concertId, Collection<String> users, long untilMillis) {
		Set<Follower> following = this.followers.get(concertId);
		// news that arrives after the admissions ended has nothing to tell (the next tick tells
		// their followers they are no longer in the queue)
		if (following == null || following.isEmpty() || users.isEmpty()
				|| untilMillis <= System.currentTimeMillis()) {
			return 0;
		}
		Set<String> admitted = new HashSet<>(users);
		Map<String, QueueOutcome> outcomes = new HashMap<>();
		int told = 0;
		for (Follower follower : following) {
			if (admitted.contains(follower.user())) {
				follower.tell(outcomes.computeIfAbsent(follower.user(),
						user -> this.room.admitted(concertId, user, untilMillis)));
				told++;
			}
		}
		return told;
	}

	/**
	 * Asks about the followers front first (by the position each was last told), so a tick
	 * that takes longer than its interval, with thousands of followers, still sends the
	 * admissions it finds in its first call; each chunk's answers go to that chunk's followers.
	 */
	private Mono<Void> refresh(long concertId, Set<Follower> followers) {
		Map<String, List<Follower>> byUser = new LinkedHashMap<>();
		for (Ranked ranked : front(followers)) {
			byUser.computeIfAbsent(ranked.follower().user(), user -> new ArrayList<>(1)).add(ranked.follower());
		}
		return Flux.fromIterable(chunks(new ArrayList<>(byUser.keySet())))
			.concatMap(chunk -> this.room.statusOf(concertId, chunk))
			.doOnNext(statuses -> statuses.forEach((user, outcome) -> {
				for (Follower follower : byUser.getOrDefault(user, List.of())) {
					follower.tell(outcome);
				}
			}))
			.then();
	}

	/**
	 * The followers front first, by a snapshot of their positions (another refresh may move
	 * them meanwhile).
	 */
	static List<Ranked> front(Set<Follower> followers) {
		List<Ranked> all = new ArrayList<>(followers.size());
		followers.forEach(follower -> all.add(new Ranked(follower.position(), follower)));
		all.sort(Comparator.comparingLong(Ranked::position));
		return all;
	}

	private static List<List<String>> chunks(List<String> users) {
		if (users.size() <= USERS_PER_CALL) {
			return List.of(users);
		}
		List<List<String>> chunks = new ArrayList<>();
		for (int i = 0; i < users.size(); i += USERS_PER_CALL) {
			chunks.add(users.subList(i, Math.min(users.size(), i + USERS_PER_CALL)));
		}
		return chunks;
	}

	/**
	 * Which refreshed views one follower is sent: the first, ADMITTED, and otherwise a view
	 * whose progress differs from the last one sent once the ETA-dependent interval since
	 * then has passed (the next tick re-emits the newest view, so nothing is lost, only
	 * merged). A waiting place's {@code expiresAt} moves forward at every refresh (the open
	 * stream counts as being seen); the view is sent again, progress or not, once it has
	 * moved half the idle timeout past the one last sent, so the {@code expiresAt} a
	 * follower holds is always at least half the idle timeout ahead. One instance per
	 * stream; its views arrive one at a time.
	 */
	static final class Pacing {

		private final QueueProperties properties;

		private Object lastProgress;

		private Instant lastExpiresAt;

		private long lastSentNanos;

		Pacing(QueueProperties properties) {
			this.properties = properties;
		}

		boolean due(QueueView view) {
			return due(view, System.nanoTime());
		}

		boolean due(QueueView view, long nowNanos) {
			Object progress = view.progress();
			if (this.lastProgress != null && !expiresAtMovedFar(view)
					&& (progress.equals(this.lastProgress) || (!view.isAdmitted() && nowNanos
							- this.lastSentNanos < this.properties.streamUpdateEvery(view.etaSeconds()).toNanos()))) {
				return false;
			}
			this.lastProgress = progress;
			this.lastExpiresAt = view.expiresAt();
			this.lastSentNanos = nowNanos;
			return true;
		}

		private boolean expiresAtMovedFar(QueueView view) {
			return this.lastExpiresAt != null && view.expiresAt() != null && !Duration
				.between(this.lastExpiresAt, view.expiresAt())
				.minus(this.properties.idleTimeout().dividedBy(2))
				.isNegative();
		}

	}

	/** A follower and its position when a refresh began. */
	record Ranked(long position, Follower follower) {
	}

	/** One open stream: its user, its views, and the position it was last told (0 once admitted). */
	static final class Follower {

		private final String user;

		private final Sinks.Many<QueueView> sink;

		private volatile long position;

		Follower(String user, Sinks.Many<QueueView> sink, QueueView first) {
			this.user = user;
			this.sink = sink;
			this.position = positionOf(first);
		}

		String user() {
			return this.user;
		}

		long position() {
			return this.position;
		}

		Flux<QueueView> views() {
			return this.sink.asFlux();
		}

		/**
		 * A refresh's answer: the newest view, or the end (no longer in the queue). One teller at a
		 * time: a tick and an admission step's refresh may answer at once, and a sink emitted to
		 * from two threads at once refuses one of them (the view was lost until the next tick).
		 */
		synchronized void tell(QueueOutcome outcome) {
			if (outcome instanceof QueueOutcome.Placed placed) {
				this.position = positionOf(placed.view());
				this.sink.tryEmitNext(placed.view());
			}
			else if (outcome != null) {
				this.sink.tryEmitComplete();
			}
		}

		private static long positionOf(QueueView view) {
			return view.isAdmitted() || view.position() == null ? 0 : view.position();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Refreshing {

		@Bean
		Ticker queueStreamTicker(QueueStreams streams, QueueProperties properties) {
			return new Ticker("queue streams", properties.pollInterval(), streams::refresh);
		}

	}

}
