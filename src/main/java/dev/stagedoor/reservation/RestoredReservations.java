package dev.stagedoor.reservation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.RedisKeyspace;
import reactor.core.publisher.Mono;

/**
 * Puts a reservation back into Redis from its durable record, for the rebuild of a schedule
 * ({@code restore_reservation.lua}: one script, so a reservation comes back whole or not at
 * all). The features that keep lists of reservations in a state of theirs — payment its PAYING
 * ones, cancellation its CANCELLING ones — take part through a {@link Tracking} bean each, so
 * this feature needs none of their keys and the rebuild none of anyone's.
 */
@Component
public class RestoredReservations {

	private final LuaScript restore = LuaScript.load("restore_reservation");

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	private final Tracking paying;

	private final Tracking cancelling;

	RestoredReservations(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, List<Tracking> trackings) {
		this.redis = redis;
		this.keyspace = keyspace;
		Map<ReservationState, Tracking> byState = trackings.stream()
			.collect(Collectors.toMap(Tracking::state, Function.identity()));
		this.paying = required(byState, ReservationState.PAYING);
		this.cancelling = required(byState, ReservationState.CANCELLING);
	}

	private static Tracking required(Map<ReservationState, Tracking> byState, ReservationState state) {
		Tracking tracking = byState.get(state);
		if (tracking == null) {
			throw new IllegalStateException("No feature tracks " + state + " reservations for the rebuild");
		}
		return tracking;
	}

	/** Restores {@code r} unless Redis has the same or a newer version of it. */
	public Mono<Status> restore(Record r) {
		long schedule = r.scheduleId();
		ScheduleKeys s = ScheduleKeys.of(this.keyspace, schedule);
		ReservationKeys k = ReservationKeys.of(this.keyspace, schedule);
		List<String> keys = new ArrayList<>(List.of(k.reservation(r.id()), k.expiry(), k.userLive(r.userId()), s.sold(),
				this.paying.key(schedule), this.cancelling.key(schedule)));
		keys.addAll(ReservationHolds.of(this.keyspace, schedule, r.seatIds(), r.items()));
		Paying paying = r.paying() != null ? r.paying() : Paying.NONE;
		List<String> args = new ArrayList<>(List.of(r.id(), String.valueOf(schedule), r.userId(),
				String.join(",", r.seatIds().stream().map(String::valueOf).toList()), String.valueOf(r.amount()),
				r.state().name(), String.valueOf(r.version()), String.valueOf(r.heldUntil()),
				String.valueOf(r.updatedAt()), String.valueOf(paying.attempt()),
				String.valueOf(paying.holdAtLeast().toMillis()), String.valueOf(paying.since()),
				Reservation.Item.format(r.items()), r.offer() ? "1" : ""));
		r.seatIds().forEach(seat -> args.add(String.valueOf(seat)));
		return this.restore.run(this.redis, keys, args).map(reply -> reply.status(Status.class));
	}

	/** {@code restore_reservation.lua}'s statuses (both with the version Redis has now). */
	public enum Status {

		RESTORED, SKIPPED

	}

	/**
	 * A reservation as PostgreSQL recorded it; times in epoch ms. {@code paying} is set when it
	 * comes back PAYING (the payment feature decides: {@code payment.RestoredPayments}).
	 */
	public record Record(String id, long scheduleId, String userId, ReservationState state, long amount, long version,
			long heldUntil, long updatedAt, List<Long> seatIds, List<Reservation.Item> items, Paying paying,
			boolean offer) {

		/** A reservation the fan held themselves (not a waiting-list offer). */
		public Record(String id, long scheduleId, String userId, ReservationState state, long amount, long version,
				long heldUntil, long updatedAt, List<Long> seatIds, List<Reservation.Item> items, Paying paying) {
			this(id, scheduleId, userId, state, amount, version, heldUntil, updatedAt, seatIds, items, paying, false);
		}

		/** This reservation coming back PAYING in {@code paying}. */
		public Record payingIn(Paying paying) {
			return new Record(this.id, this.scheduleId, this.userId, ReservationState.PAYING, this.amount, this.version,
					this.heldUntil, this.updatedAt, this.seatIds, this.items, paying, this.offer);
		}

	}

	/**
	 * How a reservation comes back PAYING: the attempt the payment recovery job settles, when
	 * it began (epoch ms; 0 = due at once), and how long its seats must at least stay held.
	 */
	public record Paying(long attempt, long since, Duration holdAtLeast) {

		static final Paying NONE = new Paying(0, 0, Duration.ZERO);

	}

	/** A feature's list of the reservations of a schedule in one state, which the rebuild restores them into. */
	public interface Tracking {

		ReservationState state();

		/** The schedule's sorted set of such reservations (same hash tag as the schedule). */
		String key(long scheduleId);

	}

}
