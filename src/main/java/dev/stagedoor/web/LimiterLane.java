package dev.stagedoor.web;

import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * One lane of {@link LoadShedding}: Netflix concurrency-limits' {@link SimpleLimiter} with a
 * {@link Gradient2Limit} decides how many requests of the lane run at once (the limit grows
 * while latency stays near its long-run average and shrinks as it rises, between the lane's
 * min and max); a request over the limit waits in a FIFO queue of bounded size for at most
 * {@code max-wait}, without a thread, and is shed (an empty answer) if no permit comes.
 * Permits are handed to waiters as running requests release theirs; one thread at a time
 * hands them out (the others leave a note), so a release never recurses into a chain of
 * requests that finish synchronously.
 * <p>
 * A lane may {@linkplain #yieldTo(LimiterLane) give way} to another: while the other has
 * requests waiting for a permit, this lane starts no new request (its own requests queue up,
 * and are shed after {@code max-wait} as usual); as soon as the other's queue is empty, this
 * lane's waiters are served again. Requests already running are never interrupted.
 */
final class LimiterLane {

	private final String name;

	private final SimpleLimiter<Void> limiter;

	private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicInteger draining = new AtomicInteger();

	private final int queueSize;

	private final Duration maxWait;

	private final long retryAfterSeconds;

	/** The lane this one gives way to: none of this lane's requests start while it has waiters. */
	private volatile LimiterLane first;

	/** The lane giving way to this one, woken when this lane's queue empties. */
	private volatile LimiterLane yielding;

	LimiterLane(String name, LimiterProperties.Lane settings) {
		this.name = name;
		this.limiter = SimpleLimiter.newBuilder()
			.named(name)
			.limit(Gradient2Limit.newBuilder()
				.initialLimit(settings.initialLimit())
				.minLimit(settings.minLimit())
				.maxConcurrency(settings.maxLimit())
				.build())
			.build();
		this.queueSize = settings.queueSize();
		this.maxWait = settings.maxWait();
		this.retryAfterSeconds = settings.retryAfterSeconds();
	}

	String name() {
		return this.name;
	}

	long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

	int limit() {
		return this.limiter.getLimit();
	}

	int inFlight() {
		return this.limiter.getInflight();
	}

	int queued() {
		return this.queued.get();
	}

	/**
	 * From now on this lane gives way to {@code first}: while requests wait for a permit of
	 * {@code first}, no request of this lane starts.
	 */
	void yieldTo(LimiterLane first) {
		if (first == this || first.first == this) {
			throw new IllegalArgumentException("a lane cannot give way to itself, nor two lanes to each other");
		}
		this.first = first;
		first.yielding = this;
	}

	/** Whether this lane holds back now, for the lane it gives way to has requests waiting. */
	boolean givingWay() {
		LimiterLane first = this.first;
		return first != null && first.queued.get() > 0;
	}

	/**
	 * A permit at once, or after waiting its turn within {@code max-wait}; empty: shed. A
	 * permit that never reaches its caller (gone in the instant between the lane taking the
	 * permit and handing it over) is given back, never lost.
	 */
	Mono<Permit> acquire() {
		return Mono.defer(() -> {
			if (this.waiters.isEmpty() && !givingWay()) {
				Optional<Limiter.Listener> now = this.limiter.acquire(null);
				if (now.isPresent()) {
					return Mono.just(new Permit(now.get()));
				}
			}
			if (this.queueSize == 0 || this.maxWait.isZero()) {
				return Mono.empty();
			}
			if (this.queued.incrementAndGet() > this.queueSize) {
				this.queued.decrementAndGet();
				return Mono.empty();
			}
			Waiter waiter = new Waiter();
			return Mono.<Permit>create(sink -> {
				waiter.sink = sink;
				sink.onCancel(waiter::leave);
				Disposable timer = Schedulers.parallel()
					.schedule(waiter::timeOut, this.maxWait.toNanos(), TimeUnit.NANOSECONDS);
				sink.onDispose(timer);
				this.waiters.add(waiter);
				drain();
			});
		}).doOnDiscard(Permit.class, Permit::abandoned);
	}

	/** Tries a permit without waiting or giving way (for tests): empty when the lane is full. */
	Optional<Permit> tryAcquire() {
		return this.limiter.acquire(null).map(Permit::new);
	}

	private void drain() {
		if (this.draining.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			handOut();
			missed = this.draining.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void handOut() {
		while (true) {
			if (givingWay()) {
				return;
			}
			Waiter next = this.waiters.peek();
			while (next != null && next.isDone()) {
				this.waiters.poll();
				next = this.waiters.peek();
			}
			if (next == null) {
				return;
			}
			Optional<Limiter.Listener> permit = this.limiter.acquire(null);
			if (permit.isEmpty()) {
				return;
			}
			Waiter waiter = this.waiters.poll();
			if (waiter == null || !waiter.grant(new Permit(permit.get()))) {
				permit.get().onIgnore();
			}
		}
	}

	/** A waiter left the queue (served, gone or shed); the last one wakes the lane giving way to this one. */
	private void leftQueue() {
		if (this.queued.decrementAndGet() == 0) {
			LimiterLane other = this.yielding;
			if (other != null) {
				other.drain();
			}
		}
	}

	/** A request waiting for a permit. */
	private final class Waiter {

		private static final int WAITING = 0;

		private static final int GRANTED = 1;

		private static final int GONE = 2;

		private final AtomicInteger state = new AtomicInteger(WAITING);

		private volatile MonoSink<Permit> sink;

		/** The permit granted, once {@link #GRANTED}. */
		private volatile Permit permit;

		boolean isDone() {
			return this.state.get() != WAITING;
		}

		boolean grant(Permit permit) {
			this.permit = permit;
			if (!this.state.compareAndSet(WAITING, GRANTED)) {
				return false;
			}
			LimiterLane.this.leftQueue();
			// delivered, or (the request gone meanwhile) discarded or dropped: see leave()
			this.sink.success(permit);
			return true;
		}

		/**
		 * The request went away (its client, the request timeout): while waiting, it leaves the
		 * queue; once granted, this is only called when the sink was cancelled before the permit
		 * reached the request (a sink cancelled after delivering calls nothing), and a sink
		 * cancelled in that instant drops the permit without discarding it: it is given back here.
		 */
		void leave() {
			if (this.state.compareAndSet(WAITING, GONE)) {
				LimiterLane.this.leftQueue();
			}
			else if (this.state.get() == GRANTED) {
				this.permit.abandoned();
			}
		}

		/** No permit within {@code max-wait}: the request is shed. */
		void timeOut() {
			if (this.state.compareAndSet(WAITING, GONE)) {
				LimiterLane.this.leftQueue();
				this.sink.success();
			}
		}

	}

	/**
	 * A running request's place in the lane, given back once: as a latency sample when the
	 * request completed (or its stream opened), without one when it was cancelled (a client
	 * gone, the request timeout); either way the next waiter gets it.
	 */
	final class Permit {

		private final Limiter.Listener listener;

		private final AtomicInteger released = new AtomicInteger();

		private Permit(Limiter.Listener listener) {
			this.listener = listener;
		}

		void done() {
			if (this.released.compareAndSet(0, 1)) {
				this.listener.onSuccess();
				drain();
			}
		}

		void abandoned() {
			if (this.released.compareAndSet(0, 1)) {
				this.listener.onIgnore();
				drain();
			}
		}

	}

}
