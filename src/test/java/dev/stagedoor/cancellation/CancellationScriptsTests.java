package dev.stagedoor.cancellation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.stagedoor.cancellation.CancellationScripts.CompleteStatus;
import dev.stagedoor.cancellation.CancellationScripts.RequestStatus;
import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.payment.PaidReservations;
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
 * request_cancellation.lua and complete_cancellation.lua driven straight against Redis (no
 * HTTP, no Spring context), through {@link CancellationScripts}: every reply each script's
 * header documents, decoded by name, and the events they append.
 */
class CancellationScriptsTests {

	static final List<String> EVENT_FIELDS = List.of("eventId", "type", "reservationId", "scheduleId", "userId",
			"seatIds", "amount", "state", "version", "at");

	static ScriptRedis redis;

	static CancellationScripts scripts;

	static HeldReservations held;

	static PaidReservations paid;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(CancellationScriptsTests.class);
		scripts = new CancellationScripts(redis.template(), redis.keyspace());
		held = new HeldReservations(redis);
		paid = new PaidReservations(redis, held);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void requestCancellationMovesToCancellingOnce() {
		long schedule = held.newSchedule();
		Reservation bought = paid.confirmed(schedule, "fan", List.of(1L, 2L));
		assertThat(scripts.request(bought, "fan").block())
			.isEqualTo(new StateReply<>(RequestStatus.CANCELLING, ReservationState.CANCELLING, 4));
		Map<String, String> event = held.events(schedule).get(3);
		assertThat(event.keySet()).containsExactlyElementsOf(EVENT_FIELDS);
		assertThat(event).containsEntry("type", "CANCEL_REQUESTED")
			.containsEntry("state", "CANCELLING")
			.containsEntry("eventId", bought.id() + ":4");
		assertThat(scripts.requestedBefore(List.of(schedule), System.currentTimeMillis() + 1_000, 10)
			.collectList()
			.block()).extracting(Map.Entry::getKey).containsExactly(bought.id());

		assertThat(scripts.request(bought, "fan").block())
			.isEqualTo(new StateReply<>(RequestStatus.ALREADY, ReservationState.CANCELLING, 4));
		assertThat(held.events(schedule)).hasSize(4);
	}

	@Test
	void requestCancellationRespectsTheDeadline() {
		long schedule = held.newSchedule();
		Reservation bought = paid.confirmed(schedule, "fan", List.of(1L));
		redis.template()
			.opsForHash()
			.put(ScheduleKeys.of(redis.keyspace(), schedule).meta(), "cancelDeadline",
					String.valueOf(System.currentTimeMillis() - 1_000))
			.block();
		assertThat(scripts.request(bought, "fan").block())
			.isEqualTo(new StateReply<>(RequestStatus.DEADLINE_PASSED, ReservationState.CONFIRMED, 3));
	}

	@Test
	void requestCancellationRefusesAReservationNotBought() {
		long schedule = held.newSchedule();
		Reservation holding = held.hold(schedule, "fan", List.of(1L), 60_000);
		assertThat(scripts.request(holding, "fan").block())
			.isEqualTo(new StateReply<>(RequestStatus.INVALID_STATE, ReservationState.HELD, 1));
	}

	@Test
	void requestCancellationFindsNoReservationOfAnotherUser() {
		long schedule = held.newSchedule();
		Reservation bought = paid.confirmed(schedule, "fan", List.of(1L));
		assertThat(scripts.request(bought, "intruder").block())
			.isEqualTo(new StateReply<>(RequestStatus.NOT_FOUND, null, 0));
	}

	@Test
	void completeCancellationPutsTheSeatsBackOnSaleOnce() {
		long schedule = held.newSchedule();
		Reservation bought = paid.confirmed(schedule, "fan", List.of(1L, 2L));
		String sold = ScheduleKeys.of(redis.keyspace(), schedule).sold();
		// a seat sold again to another reservation since (never in practice) is not touched
		redis.template().opsForHash().put(sold, "2", "other").block();
		scripts.request(bought, "fan").block();
		assertThat(scripts.complete(bought).block())
			.isEqualTo(new StateReply<>(CompleteStatus.CANCELLED, ReservationState.CANCELLED, 5));
		assertThat(redis.template().opsForHash().entries(sold).collectMap(Map.Entry::getKey, Map.Entry::getValue).block())
			.containsExactly(Map.entry("2", "other"));
		assertThat(redis.template()
			.opsForHash()
			.hasKey(ReservationKeys.of(redis.keyspace(), schedule).userLive("fan"), bought.id())
			.block()).isFalse();
		Map<String, String> event = held.events(schedule).get(4);
		assertThat(event.keySet()).containsExactlyElementsOf(EVENT_FIELDS);
		assertThat(event).containsEntry("type", "CANCELLED").containsEntry("state", "CANCELLED");

		assertThat(scripts.complete(bought).block())
			.isEqualTo(new StateReply<>(CompleteStatus.ALREADY, ReservationState.CANCELLED, 5));
		assertThat(held.events(schedule)).hasSize(5);
	}

	@Test
	void completeCancellationOffersTheSeatsToTheWaitingListAtOnce() {
		CancellationScripts offering = new CancellationScripts(redis.template(), redis.keyspace(),
				new WaitingListOffers(redis.keyspace(), 60_000, 4));
		long schedule = held.newSchedule();
		held.hold(schedule, "others", List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 60_000);
		Reservation bought = paid.confirmed(schedule, "fan", List.of(1L, 2L));
		assertThat(held.joinWaitingList(schedule, "waiting", 2)).isEqualTo(1);
		scripts.request(bought, "fan").block();
		assertThat(offering.complete(bought).block())
			.isEqualTo(new StateReply<>(CompleteStatus.CANCELLED, ReservationState.CANCELLED, 5));
		Reservation offer = held.offered(schedule, "waiting");
		assertThat(offer.offer()).isTrue();
		assertThat(offer.state()).isEqualTo(ReservationState.HELD);
		assertThat(offer.seatIds()).containsExactly(1L, 2L);
		List<Map<String, String>> events = held.events(schedule);
		assertThat(events.get(events.size() - 3)).containsEntry("type", "CANCELLED");
		assertThat(events.get(events.size() - 2)).containsEntry("type", "HELD").containsEntry("offer", "true");
		assertThat(events.get(events.size() - 1)).containsEntry("type", "WAITING_LEFT").containsEntry("userId", "waiting");
	}

	@Test
	void completeCancellationRefusesAReservationNotCancelling() {
		long schedule = held.newSchedule();
		Reservation bought = paid.confirmed(schedule, "fan", List.of(1L));
		assertThat(scripts.complete(bought).block())
			.isEqualTo(new StateReply<>(CompleteStatus.INVALID_STATE, ReservationState.CONFIRMED, 3));
	}

	@Test
	void completeCancellationFindsNoReservation() {
		long schedule = held.newSchedule();
		Reservation unknown = new Reservation(HeldReservations.unknownId(schedule), schedule, "fan", List.of(1L),
				ReservationState.CANCELLING, 100, Instant.now(), 4, Map.of());
		assertThat(scripts.complete(unknown).block()).isEqualTo(new StateReply<>(CompleteStatus.NOT_FOUND, null, 0));
	}

	@Test
	void anUndocumentedReplyIsAnErrorNamingTheScript() {
		assertThatThrownBy(() -> StateReply.of(ScriptReply.of("request_cancellation.lua",
				List.of("REFUNDED", "state", "CANCELLED", "version", "5")), RequestStatus.class))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("request_cancellation.lua replied [REFUNDED");
		assertThatThrownBy(() -> StateReply.of(ScriptReply.of("complete_cancellation.lua",
				List.of("CANCELLED", "state", "GONE", "version", "5")), CompleteStatus.class))
			.isInstanceOf(UnexpectedReplyException.class)
			.hasMessageContaining("unknown reservation state");
	}

}
