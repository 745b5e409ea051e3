package dev.stagedoor.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.ScheduleRepository;
import dev.stagedoor.catalog.SeatMap;
import dev.stagedoor.catalog.SeatView;
import dev.stagedoor.catalog.SeatView.SeatStatus;
import dev.stagedoor.queue.WaitingRoom;

/**
 * The figures of the drop dashboard, once a second per open dashboard: the room's counters
 * ({@code queue_stats.lua}), every schedule's seats by status from the shared seat-map
 * snapshot (no extra Redis load while fans follow the map), and the pipeline's meters
 * ({@code stagedoor.outbox.backlog}, {@code stagedoor.persistence.lag},
 * {@code stagedoor.dead.letters}). Rates are differences between two ticks: admissions from
 * the room's admitted total, holds and sales from the seats that turned HELD or SOLD.
 */
@Component
public class DropStats {

	static final Duration TICK = Duration.ofSeconds(1);

	/** Persistence lag p99 over this many ticks. */
	static final int LAG_WINDOW = 10;

	private final WaitingRoom room;

	private final ScheduleRepository schedules;

	private final SeatMap seatMap;

	private final MeterRegistry meters;

	/** When this instance first saw a schedule with no seat available or held. */
	private final Map<Long, Instant> soldOut = new ConcurrentHashMap<>();

	DropStats(WaitingRoom room, ScheduleRepository schedules, SeatMap seatMap, MeterRegistry meters) {
		this.room = room;
		this.schedules = schedules;
		this.seatMap = seatMap;
		this.meters = meters;
	}

	Mono<Boolean> exists(long concertId) {
		return this.room.stats(concertId).hasElement();
	}

	Flux<DropFigures> follow(long concertId) {
		Tracker tracker = new Tracker();
		return Flux.interval(Duration.ZERO, TICK)
			.onBackpressureDrop()
			.concatMap(tick -> figures(concertId, tracker));
	}

	private Mono<DropFigures> figures(long concertId, Tracker tracker) {
		Mono<List<ScheduleSeats>> seats = this.schedules.idsOfConcert(concertId)
			.concatMap(id -> this.seatMap.seats(id).map(list -> new ScheduleSeats(id, list)))
			.collectList();
		return Mono.zip(this.room.stats(concertId), seats).map(both -> {
			long now = System.currentTimeMillis();
			WaitingRoom.QueueStats q = both.getT1();
			double seconds = tracker.lastAt == 0 ? 0 : Math.max(0.001, (now - tracker.lastAt) / 1000.0);
			long newlyHeld = 0;
			long newlySold = 0;
			long backlog = 0;
			List<ScheduleDropFigures> perSchedule = new ArrayList<>();
			for (ScheduleSeats s : both.getT2()) {
				SeatStatus[] previous = tracker.statuses.get(s.id());
				SeatStatus[] current = new SeatStatus[s.seats().size()];
				long available = 0;
				long held = 0;
				long sold = 0;
				for (int i = 0; i < current.length; i++) {
					SeatStatus status = s.seats().get(i).status();
					current[i] = status;
					switch (status) {
						case AVAILABLE -> available++;
						case HELD -> held++;
						case SOLD -> sold++;
					}
					if (previous != null && i < previous.length && previous[i] != status) {
						if (status == SeatStatus.HELD) {
							newlyHeld++;
						}
						else if (status == SeatStatus.SOLD) {
							newlySold++;
						}
					}
				}
				tracker.statuses.put(s.id(), current);
				if (current.length > 0 && available == 0 && held == 0) {
					this.soldOut.putIfAbsent(s.id(), Instant.ofEpochMilli(now));
				}
				else {
					this.soldOut.remove(s.id());
				}
				long scheduleBacklog = backlog(s.id());
				backlog += scheduleBacklog;
				perSchedule.add(new ScheduleDropFigures(s.id(), current.length, available, held, sold, scheduleBacklog,
						this.soldOut.get(s.id())));
			}
			double admissions = seconds == 0 ? 0 : Math.max(0, q.admittedTotal() - tracker.admittedTotal) / seconds;
			tracker.lastAt = now;
			tracker.admittedTotal = q.admittedTotal();
			List<Refusal> refusals = refusals();
			long refused = refusals.stream().mapToLong(Refusal::total).sum();
			long shed = shed();
			double refusedPerSecond = seconds == 0 ? 0 : Math.max(0, refused - tracker.refused) / seconds;
			double shedPerSecond = seconds == 0 ? 0 : Math.max(0, shed - tracker.shed) / seconds;
			tracker.refused = refused;
			tracker.shed = shed;
			return new DropFigures(Instant.ofEpochMilli(now), concertId, q.waiting(), q.active(), q.admittedTotal(),
					round(admissions), seconds == 0 ? 0 : round(newlyHeld / seconds),
					seconds == 0 ? 0 : round(newlySold / seconds), backlog, tracker.lagP99(lagBuckets()),
					deadLetters(), perSchedule, round(refusedPerSecond), round(shedPerSecond), refusals);
		});
	}

	private long backlog(long scheduleId) {
		Gauge gauge = this.meters.find("stagedoor.outbox.backlog").tag("schedule", String.valueOf(scheduleId)).gauge();
		return gauge == null || Double.isNaN(gauge.value()) ? 0 : (long) gauge.value();
	}

	/** This instance's fair-play refusals so far ({@code stagedoor.refusals}), by class and reason, those above 0. */
	private List<Refusal> refusals() {
		return this.meters.find("stagedoor.refusals")
			.counters()
			.stream()
			.filter(c -> c.count() > 0)
			.map(c -> new Refusal(c.getId().getTag("class"), c.getId().getTag("reason"), (long) c.count()))
			.sorted(Comparator.comparing(Refusal::endpointClass).thenComparing(Refusal::reason))
			.toList();
	}

	/** Requests this instance's concurrency limiter shed so far ({@code stagedoor.web.limiter.shed}). */
	private long shed() {
		return (long) this.meters.find("stagedoor.web.limiter.shed").counters().stream().mapToDouble(Counter::count).sum();
	}

	private long deadLetters() {
		return (long) this.meters.find("stagedoor.dead.letters").counters().stream().mapToDouble(Counter::count).sum();
	}

	private CountAtBucket[] lagBuckets() {
		Timer timer = this.meters.find("stagedoor.persistence.lag").timer();
		return timer == null ? new CountAtBucket[0] : timer.takeSnapshot().histogramCounts();
	}

	private static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

	record ScheduleSeats(long id, List<SeatView> seats) {
	}

	/** One dashboard's memory between ticks. */
	static final class Tracker {

		long lastAt;

		long admittedTotal;

		long refused;

		long shed;

		final Map<Long, SeatStatus[]> statuses = new HashMap<>();

		final Deque<CountAtBucket[]> lag = new ArrayDeque<>();

		/**
		 * The p99 of the persistence lag over the last {@link #LAG_WINDOW} ticks, in ms: the
		 * upper bound of the first histogram bucket holding 99 % of the events recorded in the
		 * window (the buckets are cumulative); null when no event was persisted in it.
		 */
		Double lagP99(CountAtBucket[] now) {
			this.lag.addLast(now);
			if (this.lag.size() > LAG_WINDOW + 1) {
				this.lag.removeFirst();
			}
			CountAtBucket[] then = this.lag.peekFirst();
			if (now.length == 0 || then.length != now.length) {
				return null;
			}
			double total = now[now.length - 1].count() - then[then.length - 1].count();
			if (total <= 0) {
				return null;
			}
			for (int i = 0; i < now.length; i++) {
				if (now[i].count() - then[i].count() >= 0.99 * total) {
					return now[i].bucket(java.util.concurrent.TimeUnit.MILLISECONDS);
				}
			}
			return now[now.length - 1].bucket(java.util.concurrent.TimeUnit.MILLISECONDS);
		}

	}

	/**
	 * @param at when these figures were taken
	 * @param waiting fans waiting in the room
	 * @param active admitted fans whose admission has not ended
	 * @param admittedTotal fans admitted since the room opened
	 * @param admissionsPerSecond admissions over the last tick
	 * @param holdsPerSecond seats that turned HELD over the last tick, all schedules
	 * @param salesPerSecond seats that turned SOLD over the last tick, all schedules
	 * @param outboxBacklog events not yet confirmed by Kafka, all schedules (meter refreshed every
	 * {@code stagedoor.metrics.refresh-interval})
	 * @param persistenceLagP99Millis p99 from transition to PostgreSQL commit over the last 10 s
	 * (histogram bucket bound), null when nothing was persisted
	 * @param deadLetters records this instance sent to the dead-letter topic since start-up
	 * @param schedules per schedule, in start order
	 */
	public record DropFigures(Instant at, long concertId, long waiting, long active, long admittedTotal,
			double admissionsPerSecond, double holdsPerSecond, double salesPerSecond, long outboxBacklog,
			Double persistenceLagP99Millis, long deadLetters, List<ScheduleDropFigures> schedules,
			double refusalsPerSecond, double shedPerSecond, List<Refusal> refusals) {
	}

	/**
	 * Requests of one endpoint class the fair-play defences refused for one reason on this
	 * instance since it started (429 {@code rate-limited} or {@code hold-cooldown}, 503 when the
	 * limiter's Redis was out of reach); the tags of {@code stagedoor.refusals}.
	 */
	public record Refusal(String endpointClass, String reason, long total) {
	}

	/**
	 * @param soldOutAt when this instance first saw no seat available or held (null while any is)
	 */
	public record ScheduleDropFigures(long id, long seats, long available, long held, long sold, long outboxBacklog,
			Instant soldOutAt) {
	}

}
