package dev.stagedoor.payment;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.inventory.InventoryKeys;
import dev.stagedoor.payment.PaymentScripts.Begin;
import dev.stagedoor.payment.PaymentScripts.BeginStatus;
import dev.stagedoor.payment.PaymentScripts.ConfirmStatus;
import dev.stagedoor.payment.PaymentScripts.FailStatus;
import dev.stagedoor.reservation.HeldReservations;
import dev.stagedoor.reservation.Reservation;
import dev.stagedoor.reservation.ReservationKeys;
import dev.stagedoor.reservation.ReservationState;
import dev.stagedoor.reservation.StateReply;
import dev.stagedoor.reservation.WaitingListOffers;
import dev.stagedoor.support.ScriptRedis;
import dev.stagedoor.support.ScriptReply;
import dev.stagedoor.support.UnexpectedReplyException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * begin_payment.lua, confirm_payment.lua and fail_payment.lua driven straight against Redis
 * (no HTTP, no Spring context), through {@link PaymentScripts}: every reply each script's
 * header documents, decoded by name, and the events they append.
 */
class PaymentScriptsTests {

	static final long MINUTE = 60_000;

	static final List<String> EVENT_FIELDS = List.of("eventId", "type", "reservationId", "scheduleId", "userId",
			"seatIds", "amount", "state", "version", "at");

	static ScriptRedis redis;

	static PaymentScripts scripts;

	static HeldReservations held;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(PaymentScriptsTests.class);
		scripts = new PaymentScripts(redis.template(), redis.keyspace());
		held = new HeldReservations(redis);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void beginPaymentStartsAnAttemptThenSaysInProgress() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L, 2L), MINUTE);
		Begin begin = scripts.begin(reservation, MINUTE).block();
		assertThat(begin).isEqualTo(new Begin(BeginStatus.PAYING, ReservationState.PAYING, 2, 2));
		assertThat(redis.template().getExpire(ScheduleKeys.of(redis.keyspace(), schedule).hold(1)).block().toMillis())
			.as("the hold lasts at least two payment windows").isGreaterThan(MINUTE + 50_000);
		Map<String, String> event = held.events(schedule).get(1);
		assertThat(event.keySet()).containsExactlyElementsOf(EVENT_FIELDS);
		assertThat(event).containsEntry("type", "PAYMENT_STARTED").containsEntry("state", "PAYING");

		assertThat(scripts.begin(reservation, MINUTE).block())
			.isEqualTo(new Begin(BeginStatus.IN_PROGRESS, ReservationState.PAYING, 2, 0));
	}

	@Test
	void beginPaymentSaysConfirmedOncePaid() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), MINUTE);
		long attempt = scripts.begin(reservation, MINUTE).block().attempt();
		scripts.confirm(reservation, attempt).block();
		assertThat(scripts.begin(reservation, MINUTE).block())
			.isEqualTo(new Begin(BeginStatus.CONFIRMED, ReservationState.CONFIRMED, 3, 0));
	}

	@Test
	void beginPaymentExpiresALapsedHold() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), 1);
		redis.awaitPast(reservation.heldUntil().toEpochMilli());
		assertThat(scripts.begin(reservation, MINUTE).block())
			.isEqualTo(new Begin(BeginStatus.EXPIRED, ReservationState.EXPIRED, 2, 0));
		assertThat(held.events(schedule).get(1)).containsEntry("type", "EXPIRED").containsEntry("version", "2");
	}

	@Test
	void beginPaymentExpiresAHoldWhoseSeatSomeoneElseHolds() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L, 2L), MINUTE);
		String hold2 = ScheduleKeys.of(redis.keyspace(), schedule).hold(2);
		redis.template().opsForValue().set(hold2, "someone-else").block();
		assertThat(scripts.begin(reservation, MINUTE).block().status()).isEqualTo(BeginStatus.EXPIRED);
		assertThat(redis.template().hasKey(ScheduleKeys.of(redis.keyspace(), schedule).hold(1)).block()).isFalse();
		assertThat(redis.template().opsForValue().get(hold2).block()).isEqualTo("someone-else");
	}

	@Test
	void beginPaymentRefusesAReleasedReservation() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), MINUTE);
		setState(reservation, "CANCELLED");
		assertThat(scripts.begin(reservation, MINUTE).block())
			.isEqualTo(new Begin(BeginStatus.INVALID_STATE, ReservationState.CANCELLED, 1, 0));
	}

	@Test
	void beginPaymentFindsNoReservationOfAnotherUser() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), MINUTE);
		Reservation asSomeoneElse = new Reservation(reservation.id(), schedule, "intruder", reservation.seatIds(),
				reservation.state(), reservation.amount(), reservation.heldUntil(), 1, Map.of());
		assertThat(scripts.begin(asSomeoneElse, MINUTE).block())
			.isEqualTo(new Begin(BeginStatus.NOT_FOUND, null, 0, 0));
	}

	@Test
	void confirmPaymentSellsTheSeatsOnceForItsAttempt() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L, 2L), MINUTE);
		long attempt = scripts.begin(reservation, MINUTE).block().attempt();
		assertThat(scripts.confirm(reservation, attempt).block())
			.isEqualTo(new StateReply<>(ConfirmStatus.CONFIRMED, ReservationState.CONFIRMED, 3));
		assertThat(redis.template().opsForHash().entries(ScheduleKeys.of(redis.keyspace(), schedule).sold())
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block()).containsEntry("1", reservation.id()).containsEntry("2", reservation.id());
		Map<String, String> event = held.events(schedule).get(2);
		assertThat(event.keySet()).containsExactlyElementsOf(EVENT_FIELDS);
		assertThat(event).containsEntry("type", "CONFIRMED").containsEntry("state", "CONFIRMED");

		assertThat(scripts.confirm(reservation, attempt).block())
			.isEqualTo(new StateReply<>(ConfirmStatus.ALREADY, ReservationState.CONFIRMED, 3));
		assertThat(scripts.confirm(reservation, attempt + 1).block())
			.isEqualTo(new StateReply<>(ConfirmStatus.INVALID_STATE, ReservationState.CONFIRMED, 3));
		assertThat(held.events(schedule)).hasSize(3);
	}

	@Test
	void confirmPaymentReportsSeatsLostAndChangesNothing() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), MINUTE);
		long attempt = scripts.begin(reservation, MINUTE).block().attempt();
		redis.template().opsForValue().set(ScheduleKeys.of(redis.keyspace(), schedule).hold(1), "thief").block();
		assertThat(scripts.confirm(reservation, attempt).block())
			.isEqualTo(new StateReply<>(ConfirmStatus.SEATS_LOST, ReservationState.PAYING, 2));
		assertThat(held.find(reservation.id()).state()).isEqualTo(ReservationState.PAYING);
	}

	@Test
	void confirmPaymentFindsNoReservation() {
		long schedule = held.newSchedule();
		assertThat(scripts.confirm(unknown(schedule), 2).block())
			.isEqualTo(new StateReply<>(ConfirmStatus.NOT_FOUND, null, 0));
	}

	@Test
	void failPaymentHoldsAgainUntilTheOriginalDeadline() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), MINUTE);
		long attempt = scripts.begin(reservation, MINUTE).block().attempt();
		assertThat(scripts.fail(reservation, attempt, true).block())
			.isEqualTo(new StateReply<>(FailStatus.HELD, ReservationState.HELD, 3));
		Reservation again = held.find(reservation.id());
		assertThat(again.heldUntil()).isEqualTo(reservation.heldUntil());
		Map<String, String> event = held.events(schedule).get(2);
		assertThat(event.keySet()).containsExactly("eventId", "type", "reservationId", "scheduleId", "userId",
				"seatIds", "amount", "state", "version", "heldUntil", "at");
		assertThat(event).containsEntry("type", "PAYMENT_FAILED")
			.containsEntry("state", "HELD")
			.containsEntry("heldUntil", String.valueOf(reservation.heldUntil().toEpochMilli()));

		assertThat(scripts.fail(reservation, attempt, true).block())
			.isEqualTo(new StateReply<>(FailStatus.NOT_PAYING, ReservationState.HELD, 3));
	}

	@Test
	void failPaymentExpiresWhenAskedToOrPastTheDeadline() {
		long schedule = held.newSchedule();
		Reservation reservation = held.hold(schedule, "fan", List.of(1L), MINUTE);
		long attempt = scripts.begin(reservation, MINUTE).block().attempt();
		assertThat(scripts.fail(reservation, attempt, false).block())
			.isEqualTo(new StateReply<>(FailStatus.EXPIRED, ReservationState.EXPIRED, 3));
		assertThat(redis.template().hasKey(ScheduleKeys.of(redis.keyspace(), schedule).hold(1)).block()).isFalse();
		assertThat(held.events(schedule).get(2)).containsEntry("type", "EXPIRED");

		Reservation lapsing = held.hold(schedule, "late", List.of(2L), 50);
		long lateAttempt = scripts.begin(lapsing, MINUTE).block().attempt();
		redis.awaitPast(lapsing.heldUntil().toEpochMilli());
		assertThat(scripts.fail(lapsing, lateAttempt, true).block().status()).isEqualTo(FailStatus.EXPIRED);
	}

	@Test
	void failPaymentOffersTheSeatsOfAnExpiryToTheWaitingListButNotThoseHeldAgain() {
		PaymentScripts offering = new PaymentScripts(redis.template(), redis.keyspace(),
				new WaitingListOffers(redis.keyspace(), MINUTE, 4));
		long schedule = held.newSchedule();
		held.hold(schedule, "others", List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), MINUTE);
		Reservation kept = held.hold(schedule, "keeper", List.of(1L), MINUTE);
		Reservation lost = held.hold(schedule, "loser", List.of(2L), MINUTE);
		held.joinWaitingList(schedule, "waiting", 1);
		long keptAttempt = offering.begin(kept, MINUTE).block().attempt();
		assertThat(offering.fail(kept, keptAttempt, true).block().status()).isEqualTo(FailStatus.HELD);
		assertThat(held.offered(schedule, "waiting")).isNull();

		long attempt = offering.begin(lost, MINUTE).block().attempt();
		assertThat(offering.fail(lost, attempt, false).block())
			.isEqualTo(new StateReply<>(FailStatus.EXPIRED, ReservationState.EXPIRED, 3));
		Reservation offer = held.offered(schedule, "waiting");
		assertThat(offer.seatIds()).containsExactly(2L);
		assertThat(offer.offer()).isTrue();
		assertThat(redis.template().opsForValue().get(ScheduleKeys.of(redis.keyspace(), schedule).hold(2)).block())
			.isEqualTo(offer.id());
	}

	@Test
	void beginPaymentOfALapsedHoldOffersItsSeatToTheWaitingList() {
		PaymentScripts offering = new PaymentScripts(redis.template(), redis.keyspace(),
				new WaitingListOffers(redis.keyspace(), MINUTE, 4));
		long schedule = held.newSchedule();
		held.hold(schedule, "others", List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), MINUTE);
		Reservation lapsing = held.hold(schedule, "late", List.of(1L), 300);
		held.joinWaitingList(schedule, "waiting", 1);
		redis.awaitPast(lapsing.heldUntil().toEpochMilli());
		assertThat(offering.begin(lapsing, MINUTE).block().status()).isEqualTo(BeginStatus.EXPIRED);
		assertThat(held.offered(schedule, "waiting").seatIds()).containsExactly(1L);
	}

	@Test
	void failPaymentGivesUnitsBackWhenItExpiresAndKeepsThemWhenHeldAgain() {
		long schedule = held.newSchedule();
		long inventory = held.inventoryOnSale(schedule, 5, 30, 10);
		Reservation reservation = held.holdWithUnits(schedule, "fan", List.of(1L), inventory, 3, MINUTE);
		long attempt = scripts.begin(reservation, MINUTE).block().attempt();
		assertThat(unitsDeadline(reservation, inventory, 3)).as("paying keeps the units two windows")
			.isGreaterThan(reservation.heldUntil().toEpochMilli());

		assertThat(scripts.fail(reservation, attempt, true).block().status()).isEqualTo(FailStatus.HELD);
		assertThat(unitsDeadline(reservation, inventory, 3)).as("held again until the original deadline")
			.isEqualTo(reservation.heldUntil().toEpochMilli());
		assertThat(held.inventoryCounts(schedule, inventory)).containsEntry("held", "3").containsEntry("sold", "0");

		long second = scripts.begin(reservation, MINUTE).block().attempt();
		assertThat(scripts.fail(reservation, second, false).block().status()).isEqualTo(FailStatus.EXPIRED);
		assertThat(held.inventoryCounts(schedule, inventory)).containsEntry("held", "0").containsEntry("sold", "0");
		assertThat(unitsDeadline(reservation, inventory, 3)).isNull();
		assertThat(held.events(schedule)).last()
			.satisfies(event -> assertThat(event).containsEntry("type", "EXPIRED")
				.containsEntry("items", inventory + ":3:30"));
		assertThat(held.holdWithUnits(schedule, "next", List.of(), inventory, 5, MINUTE).state())
			.as("all five units are on sale again").isEqualTo(ReservationState.HELD);
	}

	@Test
	void confirmPaymentRetakesLapsedUnitsWhileTheInventoryStillHasThem() {
		long schedule = held.newSchedule();
		long inventory = held.inventoryOnSale(schedule, 5, 30, 10);
		Reservation reservation = held.holdWithUnits(schedule, "fan", List.of(), inventory, 2, 300);
		long attempt = scripts.begin(reservation, 1).block().attempt();
		redis.awaitPast(reservation.heldUntil().toEpochMilli());
		// another fan's hold ages the inventory: the paying fan's lapsed units go back on sale
		held.holdWithUnits(schedule, "other", List.of(), inventory, 1, MINUTE);
		assertThat(held.inventoryCounts(schedule, inventory)).containsEntry("held", "1");

		assertThat(scripts.confirm(reservation, attempt).block().status()).isEqualTo(ConfirmStatus.CONFIRMED);
		assertThat(held.inventoryCounts(schedule, inventory)).as("sold once, the lapsed units not taken off held twice")
			.containsEntry("held", "1")
			.containsEntry("sold", "2");
	}

	@Test
	void confirmPaymentReportsLapsedUnitsLostWhenOthersTookThemAndTheirReturnIsNotCountedTwice() {
		long schedule = held.newSchedule();
		long inventory = held.inventoryOnSale(schedule, 5, 30, 10);
		Reservation reservation = held.holdWithUnits(schedule, "fan", List.of(), inventory, 2, 300);
		long attempt = scripts.begin(reservation, 1).block().attempt();
		redis.awaitPast(reservation.heldUntil().toEpochMilli());
		held.holdWithUnits(schedule, "other", List.of(), inventory, 4, MINUTE);

		assertThat(scripts.confirm(reservation, attempt).block())
			.isEqualTo(new StateReply<>(ConfirmStatus.SEATS_LOST, ReservationState.PAYING, 2));
		assertThat(held.inventoryCounts(schedule, inventory)).containsEntry("held", "4").containsEntry("sold", "0");
		// the payment is refunded and the attempt fails: the units went back when they lapsed, not again now
		assertThat(scripts.fail(reservation, attempt, false).block().status()).isEqualTo(FailStatus.EXPIRED);
		assertThat(held.inventoryCounts(schedule, inventory)).containsEntry("held", "4").containsEntry("sold", "0");
	}

	@Test
	void failPaymentFindsNoReservation() {
		long schedule = held.newSchedule();
		assertThat(scripts.fail(unknown(schedule), 2, true).block())
			.isEqualTo(new StateReply<>(FailStatus.NOT_FOUND, null, 0));
	}

	@Test
	void anUndocumentedReplyIsAnErrorNamingTheScript() {
		assertThatThrownBy(() -> Begin.of(ScriptReply.of("begin_payment.lua", List.of("PAID", "state", "PAYING",
				"version", "2")))).isInstanceOf(UnexpectedReplyException.class).hasMessageContaining("begin_payment.lua");
		assertThatThrownBy(() -> Begin.of(ScriptReply.of("begin_payment.lua", List.of("PAYING", "state", "PAYING",
				"version", "2")))).isInstanceOf(UnexpectedReplyException.class).hasMessageContaining("attempt");
		assertThatThrownBy(() -> StateReply.of(ScriptReply.of("fail_payment.lua", List.of("HELD")), FailStatus.class))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("fail_payment.lua");
	}

	private static Long unitsDeadline(Reservation reservation, long inventory, int units) {
		Double score = redis.template()
			.opsForZSet()
			.score(InventoryKeys.of(redis.keyspace(), reservation.scheduleId()).holds(inventory),
					reservation.id() + "|" + units)
			.block();
		return score == null ? null : score.longValue();
	}

	private static void setState(Reservation reservation, String state) {
		redis.template()
			.opsForHash()
			.put(ReservationKeys.of(redis.keyspace(), reservation.scheduleId()).reservation(reservation.id()), "state",
					state)
			.block();
	}

	private static Reservation unknown(long schedule) {
		return new Reservation(HeldReservations.unknownId(schedule), schedule, "fan", List.of(1L),
				ReservationState.PAYING, 100, Instant.now(), 2, Map.of());
	}

}
