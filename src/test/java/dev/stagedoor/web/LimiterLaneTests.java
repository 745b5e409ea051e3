package dev.stagedoor.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** One lane of the limiter on its own: permits, the bounded wait, shedding, nothing lost. */
class LimiterLaneTests {

	@Test
	void overTheLimitARequestWaitsItsTurnInOrderAndRunsWhenAPermitComesBack() {
		LimiterLane lane = lane(2, 10, Duration.ofSeconds(5));
		List<LimiterLane.Permit> running = takeAll(lane);
		assertThat(running).hasSize(2);

		List<Integer> order = new ArrayList<>();
		List<LimiterLane.Permit> granted = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			int n = i;
			lane.acquire().subscribe(permit -> {
				synchronized (order) {
					order.add(n);
					granted.add(permit);
				}
			});
		}
		assertThat(lane.queued()).isEqualTo(3);
		assertThat(order).isEmpty();

		running.get(0).done();
		running.get(1).done();
		await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 2);
		assertThat(order).containsExactly(0, 1);
		assertThat(lane.queued()).isEqualTo(1);
		assertThat(lane.inFlight()).isEqualTo(2);

		granted.get(0).abandoned();
		await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 3);
		assertThat(order).containsExactly(0, 1, 2);
		synchronized (order) {
			granted.get(1).done();
			granted.get(2).done();
		}
		assertThat(lane.inFlight()).isZero();
		assertThat(lane.queued()).isZero();
	}

	@Test
	void withTheQueueFullOrTheWaitOverARequestIsShed() {
		LimiterLane lane = lane(1, 1, Duration.ofMillis(200));
		List<LimiterLane.Permit> running = takeAll(lane);

		Disposable waiting = lane.acquire().subscribe();
		long started = System.nanoTime();
		assertThat(lane.acquire().blockOptional(Duration.ofSeconds(5))).as("the queue holds one").isEmpty();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(150));

		await().atMost(Duration.ofSeconds(5)).until(() -> lane.queued() == 0);
		waiting.dispose();
		started = System.nanoTime();
		assertThat(lane.acquire().blockOptional(Duration.ofSeconds(5))).as("shed after max-wait").isEmpty();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(190));

		running.forEach(LimiterLane.Permit::done);
		assertThat(lane.acquire().blockOptional(Duration.ofSeconds(5))).isPresent();
	}

	@Test
	void aLaneWithoutAQueueShedsAtOnce() {
		LimiterLane lane = lane(1, 0, Duration.ofSeconds(5));
		takeAll(lane);
		assertThat(lane.acquire().blockOptional(Duration.ofSeconds(1))).isEmpty();
	}

	@Test
	void aPermitIsGivenBackOnceHoweverOftenItIsReleased() {
		LimiterLane lane = lane(3, 10, Duration.ofSeconds(1));
		LimiterLane.Permit permit = lane.acquire().block();
		permit.done();
		permit.done();
		permit.abandoned();
		assertThat(lane.inFlight()).isZero();
		assertThat(takeAll(lane)).hasSize(3);
	}

	/**
	 * The caller goes away in the instant between the lane taking a permit for it and the
	 * permit reaching it (it cancels before asking for the value): nobody can release that
	 * permit but the lane. A service saw it as a waiting-room permit still out 20 s after a
	 * flood of polls stopped, the lane one request smaller for good.
	 */
	@Test
	void aCallerGoneBeforeItsPermitReachedItLeavesNoPermitBehind() {
		LimiterLane lane = lane(2, 10, Duration.ofSeconds(5));
		lane.acquire().subscribe(new BaseSubscriber<LimiterLane.Permit>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				cancel();
			}

		});
		assertThat(lane.inFlight()).isZero();
		assertThat(takeAll(lane)).hasSize(2);
	}

	/** The same, raced: requests taking permits on other threads while their callers go away. */
	@Test
	void requestsCancelledFromAnotherThreadWhileTakingTheirPermitsLeaveNoPermitBehind() {
		LimiterLane lane = lane(4, 16, Duration.ofMillis(20));
		List<Disposable> requests = new ArrayList<>();
		for (int i = 0; i < 50_000; i++) {
			requests.add(lane.acquire()
				.flatMap(permit -> Mono.delay(Duration.ofMillis(1)).doFinally(signal -> permit.done()))
				.subscribeOn(Schedulers.parallel())
				.subscribe());
			if (requests.size() == 64) {
				requests.forEach(Disposable::dispose);
				requests.clear();
			}
		}
		requests.forEach(Disposable::dispose);
		assertEveryPermitBack(lane, 4);
	}

	@Test
	void aWaiterGoneAsItsPermitArrivesLeavesNoPermitBehind() {
		LimiterLane lane = lane(1, 10, Duration.ofSeconds(5));
		LimiterLane.Permit running = lane.tryAcquire().orElseThrow();
		List<BaseSubscriber<LimiterLane.Permit>> waiters = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			// each asks for nothing, so a permit handed to it stays with the lane's sink until it goes
			BaseSubscriber<LimiterLane.Permit> waiter = new BaseSubscriber<>() {

				@Override
				protected void hookOnSubscribe(Subscription subscription) {
				}

			};
			lane.acquire().subscribe(waiter);
			waiters.add(waiter);
		}
		running.done();
		waiters.forEach(BaseSubscriber::dispose);
		assertEveryPermitBack(lane, 1);
	}

	@Test
	void thousandsOfRequestsThatRunCancelOrTimeOutAtRandomLeaveNoPermitBehind() {
		LimiterLane lane = lane(8, 64, Duration.ofMillis(50));
		List<Optional<Boolean>> outcomes = Flux.range(0, 5_000)
			.flatMap(i -> {
				int fate = ThreadLocalRandom.current().nextInt(4);
				Mono<Optional<Boolean>> request = lane.acquire()
					.flatMap(permit -> Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(3)))
						.doFinally(signal -> {
							if (fate == 0) {
								permit.abandoned();
							}
							else {
								permit.done();
							}
						})
						.thenReturn(Optional.of(true)))
					.defaultIfEmpty(Optional.of(false));
				// a quarter of the callers give up early, while waiting or while running
				return fate == 1 ? request.timeout(Duration.ofMillis(1), Mono.just(Optional.empty())) : request;
			}, 200)
			.subscribeOn(Schedulers.parallel())
			.collectList()
			.block(Duration.ofMinutes(1));
		assertThat(outcomes).hasSize(5_000);
		assertThat(outcomes).contains(Optional.of(true), Optional.of(false));
		assertEveryPermitBack(lane, 8);
	}

	@Test
	void aLaneThatGivesWayStartsNothingWhileTheOtherHasWaitersAndResumesWhenTheyAreServed() {
		LimiterLane first = lane(1, 10, Duration.ofSeconds(5));
		LimiterLane second = lane(4, 10, Duration.ofSeconds(5));
		second.yieldTo(first);
		LimiterLane.Permit running = first.tryAcquire().orElseThrow();
		List<LimiterLane.Permit> firstGranted = new ArrayList<>();
		first.acquire().subscribe(firstGranted::add);
		assertThat(first.queued()).isEqualTo(1);
		assertThat(second.givingWay()).isTrue();

		// the second lane has room for four, yet starts nothing while the first lane has a waiter
		List<LimiterLane.Permit> secondGranted = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			second.acquire().subscribe(permit -> {
				synchronized (secondGranted) {
					secondGranted.add(permit);
				}
			});
		}
		assertThat(second.queued()).isEqualTo(3);
		assertThat(second.inFlight()).isZero();

		// the first lane's waiter is served: its queue is empty, and the second lane's waiters start
		running.done();
		assertThat(firstGranted).hasSize(1);
		assertThat(second.givingWay()).isFalse();
		await().atMost(Duration.ofSeconds(5)).until(() -> second.inFlight() == 3);
		assertThat(second.queued()).isZero();
		// with no one waiting in the first lane, a full first lane holds nothing back
		assertThat(second.acquire().block(Duration.ofSeconds(1))).isNotNull();
		assertThat(second.inFlight()).isEqualTo(4);
	}

	@Test
	void aWaiterOfTheFirstLaneThatIsShedOrLeavesAlsoReleasesTheLaneGivingWay() {
		LimiterLane first = lane(1, 10, Duration.ofMillis(200));
		LimiterLane second = lane(2, 10, Duration.ofSeconds(5));
		second.yieldTo(first);
		takeAll(first);
		Disposable leaves = first.acquire().subscribe();
		first.acquire().subscribe();
		List<LimiterLane.Permit> secondGranted = new ArrayList<>();
		second.acquire().subscribe(permit -> {
			synchronized (secondGranted) {
				secondGranted.add(permit);
			}
		});
		leaves.dispose();
		assertThat(first.queued()).isEqualTo(1);
		assertThat(second.inFlight()).isZero();
		// the other waiter of the first lane is shed after its max-wait: the second lane resumes
		await().atMost(Duration.ofSeconds(5)).until(() -> second.inFlight() == 1);
		assertThat(first.queued()).isZero();
		assertThat(second.queued()).isZero();
	}

	/**
	 * Both lanes raced from many threads: admitted requests come and go while crowd requests
	 * queue behind them. Every crowd request must run in the end (max-wait is far longer than
	 * the test): one stranded in its queue after the admitted queue emptied (a lost wake-up)
	 * would be shed after its max-wait instead. Both lanes end with nothing running or waiting.
	 */
	@Test
	void racedFromManyThreadsAGivingWayLaneStrandsNoWaiter() {
		LimiterLane first = lane(4, 10_000, Duration.ofSeconds(30));
		LimiterLane second = lane(4, 10_000, Duration.ofSeconds(30));
		second.yieldTo(first);
		List<Boolean> ran = Flux.range(0, 6_000)
			.flatMap(i -> {
				// crowd requests only in the first half: the last of them wait behind admitted work
				// that arrives after them, and nothing but the admitted queue emptying can wake them
				LimiterLane lane = i % 3 == 0 && i < 3_000 ? second : first;
				return lane.acquire()
					.flatMap(permit -> Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(2)))
						.doFinally(signal -> permit.done())
						.thenReturn(true))
					.defaultIfEmpty(false)
					.subscribeOn(Schedulers.parallel());
			}, 256)
			.collectList()
			.block(Duration.ofSeconds(25));
		assertThat(ran).hasSize(6_000).containsOnly(true);
		// (soon: a request's doFinally gives its permit back just after its answer reached the list)
		assertEveryPermitBack(first, 4);
		assertEveryPermitBack(second, 4);
	}

	@Test
	void twoLanesCannotGiveWayToEachOther() {
		LimiterLane one = lane(1, 1, Duration.ofSeconds(1));
		LimiterLane other = lane(1, 1, Duration.ofSeconds(1));
		one.yieldTo(other);
		assertThatIllegalArgumentException().isThrownBy(() -> other.yieldTo(one));
		assertThatIllegalArgumentException().isThrownBy(() -> one.yieldTo(one));
	}

	/** Soon nothing of {@code lane} runs or waits, and all its {@code limit} permits can be taken. */
	private static void assertEveryPermitBack(LimiterLane lane, int limit) {
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(lane.inFlight()).isZero();
			assertThat(lane.queued()).isZero();
		});
		assertThat(takeAll(lane)).hasSize(limit);
	}

	static List<LimiterLane.Permit> takeAll(LimiterLane lane) {
		List<LimiterLane.Permit> permits = new ArrayList<>();
		for (Optional<LimiterLane.Permit> permit = lane.tryAcquire(); permit.isPresent(); permit = lane.tryAcquire()) {
			permits.add(permit.get());
		}
		return permits;
	}

	/** A lane fixed at {@code limit} (min = initial = max), so the test knows how many run. */
	private static LimiterLane lane(int limit, int queueSize, Duration maxWait) {
		return new LimiterLane("test", new LimiterProperties.Lane(limit, limit, limit, queueSize, maxWait, Duration.ofSeconds(1)));
	}

}
