package dev.stagedoor.reservation;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.limits.EndpointClass;
import dev.stagedoor.limits.Refusals;
import dev.stagedoor.queue.AdmissionCheck;
import dev.stagedoor.queue.AdmissionTokens.TokenVerdict;
import dev.stagedoor.reservation.HoldCall.Units;
import dev.stagedoor.support.OutcomeCounter;

/**
 * Holding seats and units of quantity inventories: only before the schedule starts, and the
 * caller must be admitted to the schedule's concert; then one script holds every seat and
 * unit or nothing, within the per-user limits, and appends the HELD event. Every answer is counted by outcome ({@code stagedoor.holds}).
 */
@Component
class PlacingOnHold {

	private static final Logger log = LoggerFactory.getLogger(PlacingOnHold.class);

	/** How many fresh ids one hold tries when the script finds its id taken. */
	static final int ID_ATTEMPTS = 3;

	private final SeatCatalog catalog;

	private final AdmissionCheck admission;

	private final ReservationScripts scripts;

	private final HoldProperties properties;

	private final OutcomeCounter outcomes;

	private final Clock clock;

	private final Refusals refusals;

	PlacingOnHold(SeatCatalog catalog, AdmissionCheck admission, ReservationScripts scripts, HoldProperties properties,
			MeterRegistry meters, Clock clock) {
		this(catalog, admission, scripts, properties, meters, clock, null);
	}

	@Autowired
	PlacingOnHold(SeatCatalog catalog, AdmissionCheck admission, ReservationScripts scripts, HoldProperties properties,
			MeterRegistry meters, Clock clock, Refusals refusals) {
		this.refusals = refusals;
		this.catalog = catalog;
		this.admission = admission;
		this.scripts = scripts;
		this.properties = properties;
		this.outcomes = new OutcomeCounter(meters, "stagedoor.holds", "Hold requests by outcome", "held", "unavailable",
				"limit", "not-admitted", "seat-not-found", "schedule-not-found", "schedule-started", "inventory-unavailable",
				"inventory-limit", "inventory-not-found", "cooldown");
		this.clock = clock;
	}

	Mono<HoldResult> hold(long scheduleId, String user, String queueToken, List<Long> seatIds, List<Units> items) {
		return this.catalog.schedule(scheduleId).flatMap(schedule -> {
			if (!this.clock.instant().isBefore(schedule.startsAt())) {
				return Mono.<HoldResult>just(new HoldResult.ScheduleStarted(schedule.startsAt()));
			}
			return this.admission.check(queueToken, user, schedule.concertId()).flatMap(verdict -> {
				if (verdict instanceof TokenVerdict.Invalid invalid) {
					return Mono.<HoldResult>just(new HoldResult.NotAdmitted(invalid.reason()));
				}
				return placeHold(scheduleId, user, seatIds, items, () -> ReservationIds.next(scheduleId), ID_ATTEMPTS);
			});
		})
			.defaultIfEmpty(new HoldResult.ScheduleNotFound())
			.doOnNext(result -> this.outcomes.count(result.outcome()));
	}

	/** The hold of seats only, once admitted; {@code newIds} gives each try its reservation id. */
	Mono<HoldResult> placeHold(long scheduleId, String user, List<Long> seatIds, Supplier<String> newIds) {
		return placeHold(scheduleId, user, seatIds, List.of(), newIds, ID_ATTEMPTS);
	}

	private Mono<HoldResult> placeHold(long scheduleId, String user, List<Long> seatIds, List<Units> items,
			Supplier<String> newIds, int attemptsLeft) {
		String id = newIds.get();
		return this.scripts
			.hold(scheduleId, id, user, seatIds, items, this.properties.ttl().toMillis(),
					this.properties.maxSeatsPerUser())
			.flatMap(reply -> switch (reply.status()) {
				case HELD -> Mono.just(held(new Reservation(id, scheduleId, user, seatIds, reply.items(),
						ReservationState.HELD,
						reply.amount(), Instant.ofEpochMilli(reply.heldUntil()), 1,
						Map.of(1L, new Reservation.Transition(1, ReservationState.HELD,
								Instant.ofEpochMilli(reply.createdAt()))))));
				case NOT_FOUND -> Mono.just(new HoldResult.SeatsNotFound(reply.seatIds()));
				case UNAVAILABLE -> Mono.just(new HoldResult.SeatsUnavailable(reply.seatIds()));
				case INVENTORY_NOT_FOUND -> Mono.just(new HoldResult.InventoriesNotFound(reply.ids()));
				case INVENTORY_UNAVAILABLE -> Mono.just(new HoldResult.InventoriesUnavailable(reply.ids()));
				case INVENTORY_LIMIT ->
					Mono.just(new HoldResult.InventoryLimitExceeded(reply.ids(), reply.held(), reply.limits()));
				case LIMIT -> Mono.just(
						new HoldResult.LimitExceeded(reply.alreadyHeld(), this.properties.maxSeatsPerUser()));
				case DUPLICATE_ID -> duplicateId(scheduleId, user, seatIds, items, newIds, id, attemptsLeft);
				case COOLDOWN -> {
					if (this.refusals != null) {
						this.refusals.count(EndpointClass.HOLDS, Refusals.Reason.HOLD_COOLDOWN);
					}
					yield Mono.just(new HoldResult.Cooldown(reply.alreadyHeld(), Math.max(1, (reply.retryAfterMs() + 999) / 1000)));
				}
			});
	}

	/**
	 * The new id is taken: with 16 random base-36 characters only a broken random source makes
	 * that happen, and the client is not at fault, so the hold is tried again with a fresh id
	 * (nothing was written). Only a source that keeps repeating itself ends in an error.
	 */
	private Mono<HoldResult> duplicateId(long scheduleId, String user, List<Long> seatIds, List<Units> items,
			Supplier<String> newIds, String id, int attemptsLeft) {
		if (attemptsLeft <= 1) {
			return Mono.error(new IllegalStateException("hold_seats.lua found every new reservation id taken, last "
					+ id + ": is the random source broken?"));
		}
		log.warn("Reservation id {} is taken already; holding again with a new id", id);
		return placeHold(scheduleId, user, seatIds, items, newIds, attemptsLeft - 1);
	}

	private static HoldResult held(Reservation reservation) {
		log.info("Held: reservation {}, user {}, seats {}, items {}, {} points, until {}", reservation.id(),
				reservation.userId(), reservation.seatIds(), Reservation.Item.format(reservation.items()),
				reservation.amount(), reservation.heldUntil());
		return new HoldResult.Held(reservation);
	}

}
