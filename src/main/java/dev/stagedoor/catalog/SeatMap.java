package dev.stagedoor.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

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

	private final JsonMapper json;

	SeatMap(SeatCatalog catalog, ReactiveStringRedisTemplate redis, JsonMapper json) {
		this.catalog = catalog;
		this.redis = redis;
		this.json = json;
	}

	/** The schedule's seats with their status, at most {@link #MAX_AGE} old; empty for an unknown schedule. */
	public Mono<List<SeatView>> seats(long scheduleId) {
		return snapshot(scheduleId).map(Snapshot::seats);
	}

	/** Like {@link #seats}, with the snapshot's JSON and entity tag for HTTP readers. */
	Mono<Snapshot> snapshot(long scheduleId) {
		long now = System.nanoTime();
		Cached cached = this.cache.get(scheduleId);
		if (cached != null && now - cached.builtAt < MAX_AGE.toNanos()) {
			return cached.snapshot;
		}
		Cached[] self = new Cached[1];
		Cached fresh = new Cached(build(scheduleId).doOnSuccess(snapshot -> {
			if (snapshot == null) {
				this.cache.remove(scheduleId, self[0]); // an unknown schedule leaves nothing behind
			}
		}).cache(), now);
		self[0] = fresh;
		Cached winner = this.cache.compute(scheduleId,
				(id, current) -> current != null && current != cached && now - current.builtAt < MAX_AGE.toNanos()
						? current : fresh);
		return winner.snapshot;
	}

	/** Whether a snapshot of the schedule is kept (for tests). */
	boolean holds(long scheduleId) {
		return this.cache.containsKey(scheduleId);
	}

	public Mono<Long> available(long scheduleId) {
		return seats(scheduleId)
			.map(seats -> seats.stream().filter(seat -> seat.status() == SeatStatus.AVAILABLE).count());
	}

	/**
	 * How many seats of the schedule are in each status (every status present, 0 if none): from
	 * the snapshot while a fresh one is kept (fans are reading the map), otherwise from one
	 * script call whose result is not kept; empty for an unknown schedule.
	 */
	Mono<Map<SeatStatus, Long>> counts(long scheduleId) {
		Cached cached = this.cache.get(scheduleId);
		if (cached != null && System.nanoTime() - cached.builtAt < MAX_AGE.toNanos()) {
			return cached.snapshot.map(snapshot -> count(snapshot.seats().stream().map(SeatView::status).toList()));
		}
		return this.catalog.schedule(scheduleId)
			.flatMap(this::statusLetters)
			.map(letters -> count(letters.chars().mapToObj(letter -> status((char) letter)).toList()));
	}

	private static Map<SeatStatus, Long> count(List<SeatStatus> statuses) {
		Map<SeatStatus, Long> counts = new EnumMap<>(SeatStatus.class);
		for (SeatStatus status : SeatStatus.values()) {
			counts.put(status, 0L);
		}
		statuses.forEach(status -> counts.merge(status, 1L, Long::sum));
		return counts;
	}

	private Mono<Snapshot> build(long scheduleId) {
		return this.catalog.schedule(scheduleId).flatMap(schedule -> statusLetters(schedule).map(letters -> {
			List<SeatView> views = new ArrayList<>(schedule.seats().size());
			for (int i = 0; i < schedule.seats().size(); i++) {
				views.add(SeatView.of(schedule.seats().get(i), status(letters.charAt(i))));
			}
			return new Snapshot(scheduleId, List.copyOf(views), schedule.seats(), letters, this.json);
		}));
	}

	/** One letter per seat of the schedule, in catalog order: S(old), H(eld) or A(vailable). */
	private Mono<String> statusLetters(Schedule schedule) {
		ScheduleKeys keys = this.catalog.keys(schedule.id());
		List<String> keyList = new ArrayList<>(schedule.seats().size() + 1);
		List<String> args = new ArrayList<>(schedule.seats().size());
		keyList.add(keys.sold());
		for (Seat seat : schedule.seats()) {
			keyList.add(keys.hold(seat.id()));
			args.add(String.valueOf(seat.id()));
		}
		return this.redis.execute(this.statuses, keyList, args).next();
	}

	private static SeatStatus status(char letter) {
		return switch (letter) {
			case 'S' -> SeatStatus.SOLD;
			case 'H' -> SeatStatus.HELD;
			default -> SeatStatus.AVAILABLE;
		};
	}

	private record Cached(Mono<Snapshot> snapshot, long builtAt) {
	}

	/**
	 * One seat map as read at one instant. Its JSON is written once per snapshot and filter
	 * (not once per request: a 2,000-seat map is ~200 KB, and during a drop every shopper reads
	 * it), and its entity tag is a digest of the statuses, so a reader that already has this
	 * map gets 304.
	 */
	static final class Snapshot {

		private final long scheduleId;

		private final List<SeatView> seats;

		private final String digest;

		private final JsonMapper json;

		/** Encoded JSON: index {@code ordinal} for one status, the last for all seats; filled on first use. */
		private final AtomicReferenceArray<byte[]> encoded = new AtomicReferenceArray<>(SeatStatus.values().length + 1);

		Snapshot(long scheduleId, List<SeatView> seats, List<Seat> layout, String statuses, JsonMapper json) {
			this.scheduleId = scheduleId;
			this.seats = seats;
			this.json = json;
			this.digest = digest(layout, statuses);
		}

		List<SeatView> seats() {
			return this.seats;
		}

		/** The seats with {@code status} (all seats for null) as a JSON array. */
		byte[] json(SeatStatus status) {
			int slot = status == null ? SeatStatus.values().length : status.ordinal();
			byte[] bytes = this.encoded.get(slot);
			if (bytes == null) {
				List<SeatView> chosen = status == null ? this.seats
						: this.seats.stream().filter(seat -> seat.status() == status).toList();
				bytes = this.json.writeValueAsBytes(chosen);
				this.encoded.set(slot, bytes);
			}
			return bytes;
		}

		/**
		 * A strong entity tag of the filtered map: a digest of the seats (so a schedule id
		 * reused after a reset with another layout never matches) and their statuses.
		 */
		String etag(SeatStatus status) {
			return "\"" + this.scheduleId + "-" + (status == null ? "all" : status.name()) + "-" + this.digest + "\"";
		}

		private static String digest(List<Seat> layout, String statuses) {
			try {
				MessageDigest sha = MessageDigest.getInstance("SHA-256");
				for (Seat seat : layout) {
					sha.update((seat.id() + ":" + seat.label() + ":" + seat.price() + ";").getBytes(StandardCharsets.UTF_8));
				}
				sha.update(statuses.getBytes(StandardCharsets.US_ASCII));
				return HexFormat.of().formatHex(sha.digest(), 0, 12);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-256 is part of every JDK", ex);
			}
		}

	}

}
