package dev.stagedoor.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.SeatView.SeatStatus;

/**
 * Seat maps read from Redis (holds' TTL keys and the sold hash are the truth), served from
 * a per-schedule snapshot rebuilt at most every {@link #MAX_AGE}: however many fans poll one
 * seat map, the schedule costs one script call per period, and concurrent readers of a stale
 * snapshot share one rebuild.
 */
@Component
public class SeatMap {

	static final Duration MAX_AGE = Duration.ofMillis(250);

	private final RedisScript<String> statuses = RedisScript.of(new ClassPathResource("lua/seat_statuses.lua"),
			String.class);

	private final Map<Long, Cached> cache = new ConcurrentHashMap<>();

	private final SeatCatalog catalog;

	private final ReactiveStringRedisTemplate redis;

	SeatMap(SeatCatalog catalog, ReactiveStringRedisTemplate redis) {
		this.catalog = catalog;
		this.redis = redis;
	}

	/** The schedule's seats with their status, at most {@link #MAX_AGE} old; empty for an unknown schedule. */
	public Mono<List<SeatView>> seats(long scheduleId) {
		long now = System.nanoTime();
		Cached cached = this.cache.get(scheduleId);
		if (cached != null && now - cached.builtAt < MAX_AGE.toNanos()) {
			return cached.snapshot;
		}
		Cached fresh = new Cached(build(scheduleId).cache(), now);
		Cached winner = this.cache.compute(scheduleId,
				(id, current) -> current != null && current != cached && now - current.builtAt < MAX_AGE.toNanos()
						? current : fresh);
		return winner.snapshot;
	}

	public Mono<Long> available(long scheduleId) {
		return seats(scheduleId)
			.map(seats -> seats.stream().filter(seat -> seat.status() == SeatStatus.AVAILABLE).count());
	}

	private Mono<List<SeatView>> build(long scheduleId) {
		return this.catalog.schedule(scheduleId).flatMap(schedule -> {
			ScheduleKeys keys = this.catalog.keys(scheduleId);
			List<String> keyList = new ArrayList<>(schedule.seats().size() + 1);
			List<String> args = new ArrayList<>(schedule.seats().size());
			keyList.add(keys.sold());
			for (Seat seat : schedule.seats()) {
				keyList.add(keys.hold(seat.id()));
				args.add(String.valueOf(seat.id()));
			}
			return this.redis.execute(this.statuses, keyList, args).next().map(letters -> {
				List<SeatView> views = new ArrayList<>(schedule.seats().size());
				for (int i = 0; i < schedule.seats().size(); i++) {
					views.add(SeatView.of(schedule.seats().get(i), status(letters.charAt(i))));
				}
				return List.copyOf(views);
			});
		});
	}

	private static SeatStatus status(char letter) {
		return switch (letter) {
			case 'S' -> SeatStatus.SOLD;
			case 'H' -> SeatStatus.HELD;
			default -> SeatStatus.AVAILABLE;
		};
	}

	private record Cached(Mono<List<SeatView>> snapshot, long builtAt) {
	}

}
