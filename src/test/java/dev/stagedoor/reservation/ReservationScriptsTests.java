package dev.stagedoor.reservation;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.reservation.ReservationScripts.Hold;
import dev.stagedoor.reservation.ReservationScripts.ReleaseStatus;
import dev.stagedoor.support.ScriptRedis;
import dev.stagedoor.support.ScriptReply;
import dev.stagedoor.support.UnexpectedReplyException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * hold_seats.lua, release_hold.lua and expire_holds.lua driven straight against Redis
 * (no HTTP, no Spring context), through {@link ReservationScripts}: every reply each
 * script's header documents, decoded by name, and the events they append.
 */
class ReservationScriptsTests {

	static final long MINUTE = 60_000;

	/** The outbox fields of every event, in order (README, "Reservation events"). */
	static final List<String> EVENT_FIELDS = List.of("eventId", "type", "reservationId", "scheduleId", "userId",
			"seatIds", "amount", "state", "version", "at");

	static final List<String> HOLD_EVENT_FIELDS = List.of("eventId", "type", "reservationId", "scheduleId", "userId",
			"seatIds", "amount", "state", "version", "heldUntil", "at");

	static ScriptRedis redis;

	static ReservationScripts scripts;

	static HeldReservations held;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(ReservationScriptsTests.class);
		scripts = new ReservationScripts(redis.template(), redis.keyspace());
		held = new HeldReservations(redis);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void holdSeatsHolds() {
		long schedule = held.newSchedule();
		String id = ReservationIds.next(schedule);
		long before = System.currentTimeMillis();
		Hold reply = scripts.hold(schedule, id, "fan", List.of(3L, 1L), MINUTE, 4).block();
		assertThat(reply.status()).isEqualTo(Hold.Status.HELD);
		assertThat(reply.amount()).isEqualTo(2 * HeldReservations.PRICE);
		assertThat(reply.createdAt()).isBetween(before - 5_000, System.currentTimeMillis() + 5_000);
		assertThat(reply.heldUntil()).isEqualTo(reply.createdAt() + MINUTE);

		Reservation reservation = held.find(id);
		assertThat(reservation.state()).isEqualTo(ReservationState.HELD);
		assertThat(reservation.seatIds()).containsExactly(3L, 1L);
		assertThat(reservation.version()).isEqualTo(1);
		assertThat(reservation.heldUntil()).isEqualTo(Instant.ofEpochMilli(reply.heldUntil()));
		assertThat(reservation.history().get(1L).at()).isEqualTo(Instant.ofEpochMilli(reply.createdAt()));

		Map<String, String> event = held.events(schedule).get(0);
		assertThat(event.keySet()).containsExactlyElementsOf(HOLD_EVENT_FIELDS);
		assertThat(event).containsEntry("eventId", id + ":1")
			.containsEntry("type", "HELD")
			.containsEntry("reservationId", id)
			.containsEntry("scheduleId", String.valueOf(schedule))
			.containsEntry("userId", "fan")
			.containsEntry("seatIds", "3,1")
			.containsEntry("amount", "200")
			.containsEntry("state", "HELD")
			.containsEntry("version", "1")
			.containsEntry("heldUntil", String.valueOf(reply.heldUntil()))
			.containsEntry("at", String.valueOf(reply.createdAt()));
	}

	@Test
	void holdSeatsNamesTheSeatsNotOnSale() {
		long schedule = held.newSchedule();
		Hold reply = scripts.hold(schedule, ReservationIds.next(schedule), "fan", List.of(1L, 11L, 12L), MINUTE, 4)
			.block();
		assertThat(reply.status()).isEqualTo(Hold.Status.NOT_FOUND);
		assertThat(reply.seatIds()).containsExactly(11L, 12L);
		assertThat(held.events(schedule)).isEmpty();
	}

	@Test
	void holdSeatsNamesTheSeatsHeldOrSold() {
		long schedule = held.newSchedule();
		held.hold(schedule, "first", List.of(2L), MINUTE);
		redis.template().opsForHash().put(ScheduleKeys.of(redis.keyspace(), schedule).sold(), "4", "someone").block();
		Hold reply = scripts.hold(schedule, ReservationIds.next(schedule), "second", List.of(1L, 2L, 4L), MINUTE, 4)
			.block();
		assertThat(reply.status()).isEqualTo(Hold.Status.UNAVAILABLE);
		assertThat(reply.seatIds()).containsExactly(2L, 4L);
	}

	@Test
	void holdSeatsKeepsTheLimitPerUser() {
		long schedule = held.newSchedule();
		held.hold(schedule, "greedy", List.of(1L, 2L), MINUTE);
		Hold reply = scripts.hold(schedule, ReservationIds.next(schedule), "greedy", List.of(3L, 4L, 5L), MINUTE, 4)
			.block();
		assertThat(reply.status()).isEqualTo(Hold.Status.LIMIT);
		assertThat(reply.alreadyHeld()).isEqualTo(2);
	}

	@Test
	void holdSeatsRefusesAnIdTakenAlreadyAndChangesNothing() {
		long schedule = held.newSchedule();
		Reservation first = held.hold(schedule, "fan", List.of(1L), MINUTE);
		Hold reply = scripts.hold(schedule, first.id(), "other", List.of(2L), MINUTE, 4).block();
		assertThat(reply.status()).isEqualTo(Hold.Status.DUPLICATE_ID);
		assertThat(held.find(first.id())).isEqualTo(first);
		assertThat(redis.template().hasKey(ScheduleKeys.of(redis.keyspace(), schedule).hold(2)).block()).isFalse();
		assertThat(held.events(schedule)).hasSize(1);
	}

	@Test
	void aHoldWhoseNewIdIsTakenIsPlacedAgainWithAFreshId() {
		long schedule = held.newSchedule();
		Reservation first = held.hold(schedule, "fan", List.of(1L), MINUTE);
		PlacingOnHold placing = new PlacingOnHold(null, null, scripts,
				new HoldProperties(Duration.ofMinutes(1), 4, Duration.ofSeconds(1)),
				new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), java.time.Clock.systemUTC());
		String fresh = ReservationIds.next(schedule);
		Iterator<String> ids = List.of(first.id(), fresh).iterator();
		HoldResult result = placing.placeHold(schedule, "other", List.of(2L), ids::next).block();
		assertThat(result).isInstanceOfSatisfying(HoldResult.Held.class,
				placed -> assertThat(placed.reservation().id()).isEqualTo(fresh));
		assertThat(held.find(first.id())).isEqualTo(first);

		// only a source that keeps giving taken ids ends in an error, after a few tries
		AtomicInteger tries = new AtomicInteger();
		assertThatThrownBy(() -> placing.placeHold(schedule, "other", List.of(3L), () -> {
			tries.incrementAndGet();
			return first.id();
		}).block()).hasMessageContaining("random source");
		assertThat(tries).hasValue(PlacingOnHold.ID_ATTEMPTS);
	}

	@Test
	void anUndocumentedHoldReplyIsAnErrorNamingTheScript() {
		assertThatThrownBy(() -> Hold.of(ScriptReply.of("hold_seats.lua", List.of("SOLD_OUT"))))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("hold_seats.lua replied [SOLD_OUT]");
		assertThatThrownBy(() -> Hold.of(ScriptReply.of("hold_seats.lua", List.of("HELD", "amount", "1"))))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("heldUntil");
	}

	@Test
	void releaseHoldCancelsThenSaysAlready() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L, 2L), MINUTE);
		StateReply<ReleaseStatus> released = scripts.release(reservation, "fan").block();
		assertThat(released).isEqualTo(new StateReply<>(ReleaseStatus.CANCELLED, ReservationState.CANCELLED, 2));
		assertThat(redis.template().hasKey(ScheduleKeys.of(redis.keyspace(), schedule).hold(1)).block()).isFalse();
		Map<String, String> event = held.events(schedule).get(1);
		assertThat(event.keySet()).containsExactlyElementsOf(EVENT_FIELDS);
		assertThat(event).containsEntry("type", "RELEASED").containsEntry("state", "CANCELLED").containsEntry("version", "2");

		assertThat(scripts.release(reservation, "fan").block())
			.isEqualTo(new StateReply<>(ReleaseStatus.ALREADY, ReservationState.CANCELLED, 2));
		assertThat(held.events(schedule)).hasSize(2);
	}

	@Test
	void releaseHoldExpiresALapsedHold() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), 1);
		redis.awaitPast(reservation.heldUntil().toEpochMilli());
		assertThat(scripts.release(reservation, "fan").block())
			.isEqualTo(new StateReply<>(ReleaseStatus.EXPIRED, ReservationState.EXPIRED, 2));
		assertThat(held.events(schedule).get(1)).containsEntry("type", "EXPIRED").containsEntry("state", "EXPIRED");
	}

	@Test
	void releaseHoldRefusesAReservationPastHolding() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), MINUTE);
		redis.template()
			.opsForHash()
			.put(ReservationKeys.of(redis.keyspace(), schedule).reservation(reservation.id()), "state", "PAYING")
			.block();
		assertThat(scripts.release(reservation, "fan").block())
			.isEqualTo(new StateReply<>(ReleaseStatus.INVALID_STATE, ReservationState.PAYING, 1));
	}

	@Test
	void releaseHoldFindsNoReservationOfAnotherUserOrNone() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), MINUTE);
		assertThat(scripts.release(reservation, "intruder").block())
			.isEqualTo(new StateReply<>(ReleaseStatus.NOT_FOUND, null, 0));
		Reservation unknown = new Reservation(HeldReservations.unknownId(schedule), schedule, "fan", List.of(1L),
				ReservationState.HELD, 100, Instant.now(), 1, Map.of());
		assertThat(scripts.release(unknown, "fan").block().status()).isEqualTo(ReleaseStatus.NOT_FOUND);
		assertThat(held.find(reservation.id()).state()).isEqualTo(ReservationState.HELD);
	}

	@Test
	void expireHoldsExpiresLapsedHoldsOnce() {
		long schedule = held.newSchedule();
		Reservation lapsing = held.hold(schedule, "slow|fan", List.of(1L), 1);
		Reservation paying = held.hold(schedule, "payer", List.of(2L), 1);
		Reservation valid = held.hold(schedule, "fan", List.of(3L), MINUTE);
		redis.template()
			.opsForHash()
			.put(ReservationKeys.of(redis.keyspace(), schedule).reservation(paying.id()), "state", "PAYING")
			.block();
		redis.awaitPast(Math.max(lapsing.heldUntil().toEpochMilli(), paying.heldUntil().toEpochMilli()));

		assertThat(scripts.expireDue(schedule, System.currentTimeMillis() + 1_000, 10).block()).isEqualTo(1);
		assertThat(held.find(lapsing.id()).state()).isEqualTo(ReservationState.EXPIRED);
		assertThat(held.find(lapsing.id()).version()).isEqualTo(2);
		assertThat(held.find(paying.id()).state()).isEqualTo(ReservationState.PAYING);
		assertThat(held.find(valid.id()).state()).isEqualTo(ReservationState.HELD);
		Map<String, String> event = held.events(schedule).get(3);
		assertThat(event.keySet()).containsExactlyElementsOf(EVENT_FIELDS);
		assertThat(event).containsEntry("type", "EXPIRED")
			.containsEntry("userId", "slow|fan")
			.containsEntry("scheduleId", String.valueOf(schedule));
		// both due candidates left the expiry set: nothing is expired twice
		assertThat(scripts.expireDue(schedule, System.currentTimeMillis() + 1_000, 10).block()).isZero();
		assertThat(held.events(schedule)).hasSize(4);
	}

	@Test
	void expireHoldsRepliesTheExpiredReservationsByIdAndNothingElse() {
		assertThat(ReservationScripts.expired(ScriptReply.of("expire_holds.lua", List.of("DONE", "1-a", "fan|x"))))
			.containsExactly(Map.entry("1-a", "fan|x"));
		assertThatThrownBy(() -> ReservationScripts.expired(ScriptReply.of("expire_holds.lua", List.of("1-a|fan"))))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("expire_holds.lua");
	}

}
