package dev.stagedoor.reservation;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.stagedoor.catalog.SeatCatalog;
import dev.stagedoor.queue.AdmissionCheck;
import dev.stagedoor.queue.AdmissionTokens.TokenVerdict;
import dev.stagedoor.support.OutcomeCounter;

/**
 * Holding seats: only before the schedule starts, and the caller must be admitted to the
 * schedule's concert; then one script holds every seat or none, within the per-user limit,
 * and appends the HELD event. Every answer is counted by outcome ({@code stagedoor.holds}).
 */
@Component
class PlacingOnHold {

	private static final Logger log = LoggerFactory.getLogger(PlacingOnHold.class);

	private final SeatCatalog catalog;

	private final AdmissionCheck admission;

	private final ReservationScripts scripts;

	private final HoldProperties properties;

	private final OutcomeCounter outcomes;

	private final Clock clock;

	PlacingOnHold(SeatCatalog catalog, AdmissionCheck admission, ReservationScripts scripts, HoldProperties properties,
			MeterRegistry meters, Clock clock) {
		this.catalog = catalog;
		this.admission = admission;
		this.scripts = scripts;
		this.properties = properties;
		this.outcomes = new OutcomeCounter(meters, "stagedoor.holds", "Hold requests by outcome", "held", "unavailable",
				"limit", "not-admitted", "seat-not-found", "schedule-not-found", "schedule-started");
		this.clock = clock;
	}

	Mono<HoldResult> hold(long scheduleId, String user, String queueToken, List<Long> seatIds) {
		return this.catalog.schedule(scheduleId).flatMap(schedule -> {
			if (!this.clock.instant().isBefore(schedule.startsAt())) {
				return Mono.<HoldResult>just(new HoldResult.ScheduleStarted(schedule.startsAt()));
			}
			return this.admission.check(queueToken, user, schedule.concertId()).flatMap(verdict -> {
				if (verdict instanceof TokenVerdict.Invalid invalid) {
					return Mono.<HoldResult>just(new HoldResult.NotAdmitted(invalid.reason()));
				}
				return placeHold(scheduleId, user, seatIds);
			});
		})
			.defaultIfEmpty(new HoldResult.ScheduleNotFound())
			.doOnNext(result -> this.outcomes.count(outcome(result)));
	}

	/** The {@code outcome} tag of each result. */
	static String outcome(HoldResult result) {
		if (result instanceof HoldResult.Held) {
			return "held";
		}
		if (result instanceof HoldResult.SeatsUnavailable) {
			return "unavailable";
		}
		if (result instanceof HoldResult.LimitExceeded) {
			return "limit";
		}
		if (result instanceof HoldResult.NotAdmitted) {
			return "not-admitted";
		}
		if (result instanceof HoldResult.SeatsNotFound) {
			return "seat-not-found";
		}
		if (result instanceof HoldResult.ScheduleStarted) {
			return "schedule-started";
		}
		return "schedule-not-found";
	}

	private Mono<HoldResult> placeHold(long scheduleId, String user, List<Long> seatIds) {
		String id = ReservationIds.next(scheduleId);
		return this.scripts
			.hold(scheduleId, id, user, seatIds, this.properties.ttl().toMillis(), this.properties.maxSeatsPerUser())
			.map(reply -> switch (reply.get(0)) {
				case "HELD" -> held(new Reservation(id, scheduleId, user, seatIds, ReservationState.HELD,
						Long.parseLong(reply.get(2)), Instant.ofEpochMilli(Long.parseLong(reply.get(1))), 1,
						Map.of(1L, new Reservation.Transition(1, ReservationState.HELD,
								Instant.ofEpochMilli(Long.parseLong(reply.get(3)))))));
				case "NOT_FOUND" -> new HoldResult.SeatsNotFound(ids(reply));
				case "UNAVAILABLE" -> new HoldResult.SeatsUnavailable(ids(reply));
				case "LIMIT" -> new HoldResult.LimitExceeded(Integer.parseInt(reply.get(1)),
						this.properties.maxSeatsPerUser());
				default -> throw new IllegalStateException("hold_seats.lua replied " + reply);
			});
	}

	private static HoldResult held(Reservation reservation) {
		log.info("Held: reservation {}, user {}, seats {}, {} points, until {}", reservation.id(), reservation.userId(),
				reservation.seatIds(), reservation.amount(), reservation.heldUntil());
		return new HoldResult.Held(reservation);
	}

	private static List<Long> ids(List<String> reply) {
		return reply.subList(1, reply.size()).stream().map(Long::valueOf).toList();
	}

}
