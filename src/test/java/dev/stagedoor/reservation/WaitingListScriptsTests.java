package dev.stagedoor.reservation;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.reservation.ReservationScripts.Hold;
import dev.stagedoor.reservation.ReservationScripts.ReleaseStatus;
import dev.stagedoor.reservation.WaitingListScripts.Join;
import dev.stagedoor.reservation.WaitingListScripts.JoinStatus;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waiting list against Redis: join_waiting_list.lua, leave_waiting_list.lua and
 * waiting_place.lua (every documented reply), and the offers lib/waiting.lua makes from
 * release_hold.lua, expire_holds.lua and hold_seats.lua (a lapsed hold the reaper has not
 * marked yet): in join order, best fit by section, units too, and never to anyone else first.
 */
class WaitingListScriptsTests {

	static final long MINUTE = 60_000;

	static final long OFFER_TTL = 120_000;

	static ScriptRedis redis;

	static HeldReservations held;

	static WaitingListScripts lists;

	static ReservationScripts scripts;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(WaitingListScriptsTests.class);
		held = new HeldReservations(redis);
		lists = new WaitingListScripts(redis.template(), redis.keyspace());
		scripts = new ReservationScripts(redis.template(), redis.keyspace(), LapseProperties.OFF,
				new WaitingListOffers(redis.keyspace(), OFFER_TTL, 4));
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	static List<Long> seats(long from, long to) {
		return LongStream.rangeClosed(from, to).boxed().toList();
	}

	static Join join(long schedule, String user, int seats) {
		return lists.join(schedule, user, seats, 0, 0, 4).block();
	}

	static WaitingListPlace place(long schedule, String user) {
		return lists.place(schedule, user).block();
	}

	static Reservation offerOf(long schedule, String user) {
		WaitingListPlace place = place(schedule, user);
		assertThat(place).as(user + " has an offer").isNotNull();
		assertThat(place.offer()).as(user + " has an offer").isNotNull();
		return held.find(place.offer());
	}

	@Test
	void joiningNeedsASellOutThenGivesPositionsInOrderOncePerUser() {
		long schedule = held.newSchedule();
		Join early = join(schedule, "early", 2);
		assertThat(early.status()).isEqualTo(JoinStatus.NOT_SOLD_OUT);
		assertThat(early.available()).isEqualTo(2);
		assertThat(place(schedule, "early")).isNull();

		held.hold(schedule, "owner", seats(1, 9), MINUTE);
		Join two = join(schedule, "fan-a", 2);
		assertThat(two.status()).isEqualTo(JoinStatus.JOINED);
		assertThat(two.position()).isEqualTo(1);
		assertThat(two.joinedAt()).isPositive();
		// one seat is left: enough for one who wants one
		assertThat(join(schedule, "fan-one", 1).status()).isEqualTo(JoinStatus.NOT_SOLD_OUT);
		held.hold(schedule, "owner2", List.of(10L), MINUTE);
		assertThat(join(schedule, "fan-b", 1).position()).isEqualTo(2);
		Join again = join(schedule, "fan-a", 3);
		assertThat(again.status()).isEqualTo(JoinStatus.ALREADY);
		assertThat(again.position()).isEqualTo(1);
		assertThat(again.joinedAt()).isEqualTo(two.joinedAt());

		Join limit = join(schedule, "owner", 1);
		assertThat(limit.status()).isEqualTo(JoinStatus.LIMIT);
		assertThat(limit.limit()).isEqualTo(4);
		assertThat(limit.held()).isEqualTo(9);

		WaitingListPlace b = place(schedule, "fan-b");
		assertThat(b.position()).isEqualTo(2);
		assertThat(b.waiting()).isEqualTo(2);
		assertThat(b.seats()).isEqualTo(1);
		assertThat(b.offer()).isNull();

		assertThat(lists.leave(schedule, "fan-a").block()).isTrue();
		assertThat(lists.leave(schedule, "fan-a").block()).isFalse();
		assertThat(place(schedule, "fan-a")).isNull();
		assertThat(place(schedule, "fan-b").position()).isEqualTo(1);
		assertThat(join(schedule, "fan-a", 2).position()).isEqualTo(2);
	}

	@Test
	void aReleasedHoldIsOfferedToTheFirstFanItSatisfiesAndNobodyElseCanHoldIt() {
		long schedule = held.newSchedule();
		Reservation big = held.hold(schedule, "owner", seats(1, 9), MINUTE);
		Reservation single = held.hold(schedule, "owner2", List.of(10L), MINUTE);
		join(schedule, "wants-two", 2);
		join(schedule, "wants-one", 1);
		join(schedule, "wants-one-too", 1);

		var released = scripts.release(single, "owner2").block();
		assertThat(released.status()).isEqualTo(ReleaseStatus.CANCELLED);
		assertThat(released.version()).isEqualTo(2);
		// one seat: not enough for the first fan, so the second gets it
		Reservation offer = offerOf(schedule, "wants-one");
		assertThat(offer.offer()).isTrue();
		assertThat(offer.state()).isEqualTo(ReservationState.HELD);
		assertThat(offer.userId()).isEqualTo("wants-one");
		assertThat(offer.seatIds()).containsExactly(10L);
		assertThat(offer.amount()).isEqualTo(HeldReservations.PRICE);
		assertThat(offer.heldUntil().toEpochMilli() - redis.now()).isBetween(OFFER_TTL - 5_000, OFFER_TTL);
		assertThat(place(schedule, "wants-two").position()).isEqualTo(1);
		assertThat(place(schedule, "wants-one-too").position()).isEqualTo(2);
		List<Map<String, String>> events = held.events(schedule);
		assertThat(events.get(events.size() - 1)).containsEntry("type", "WAITING_LEFT").containsEntry("userId", "wants-one");
		Map<String, String> event = events.get(events.size() - 2);
		assertThat(event).containsEntry("type", "HELD")
			.containsEntry("reservationId", offer.id())
			.containsEntry("userId", "wants-one")
			.containsEntry("offer", "true")
			.containsEntry("seatIds", "10");

		Hold grab = scripts.hold(schedule, ReservationIds.next(schedule), "grabber", List.of(10L), MINUTE, 4).block();
		assertThat(grab.status()).isEqualTo(Hold.Status.UNAVAILABLE);

		// the offer released: the seat goes on to the next in line who fits
		assertThat(scripts.release(offer, "wants-one").block().status()).isEqualTo(ReleaseStatus.CANCELLED);
		assertThat(offerOf(schedule, "wants-one-too").seatIds()).containsExactly(10L);
		assertThat(held.find(offer.id()).state()).isEqualTo(ReservationState.CANCELLED);

		// two seats of the big hold back: the first fan gets two together
		scripts.release(big, "owner").block();
		assertThat(offerOf(schedule, "wants-two").seatIds()).hasSize(2);
	}

	@Test
	void bestFitGivesAFanSeatsOfOneSection() {
		long schedule = held.newSchedule();
		redis.template()
			.opsForHash()
			.putAll(WaitingListKeys.of(redis.keyspace(), schedule).sections(),
					Map.of("1", "A", "2", "A", "3", "A", "4", "B", "5", "B", "6", "B", "7", "C", "8", "C", "9", "C", "10",
							"C"))
			.block();
		Reservation a = held.hold(schedule, "o1", List.of(1L), MINUTE);
		Reservation b = held.hold(schedule, "o2", List.of(4L, 5L), MINUTE);
		held.hold(schedule, "o3", List.of(2L, 3L, 6L, 7L, 8L, 9L, 10L), MINUTE);
		join(schedule, "pair", 2);
		scripts.release(a, "o1").block();
		assertThat(place(schedule, "pair").position()).isEqualTo(1);
		scripts.release(b, "o2").block();
		// seat 1 (A) and seats 4, 5 (B) free: the pair gets the two of B
		assertThat(offerOf(schedule, "pair").seatIds()).containsExactly(4L, 5L);
	}

	@Test
	void aLapsedHoldIsOfferedByTheReaperOrByTheNextHoldBeforeAnyoneElseGetsIt() {
		long schedule = held.newSchedule();
		held.hold(schedule, "owner", seats(1, 8), MINUTE);
		Reservation lapsing = held.hold(schedule, "lapser", List.of(9L), 300);
		Reservation lapsing2 = held.hold(schedule, "lapser2", List.of(10L), 300);
		join(schedule, "first", 1);
		join(schedule, "second", 1);
		redis.awaitPast(lapsing2.heldUntil().toEpochMilli());

		// before the reaper: a hold of the lapsed seat by someone else finds it offered
		Hold grab = scripts.hold(schedule, ReservationIds.next(schedule), "grabber", List.of(9L), MINUTE, 4).block();
		assertThat(grab.status()).isEqualTo(Hold.Status.UNAVAILABLE);
		assertThat(held.find(lapsing.id()).state()).isEqualTo(ReservationState.EXPIRED);
		assertThat(held.find(lapsing2.id()).state()).isEqualTo(ReservationState.EXPIRED);
		assertThat(offerOf(schedule, "first").seatIds()).containsExactly(9L);
		assertThat(offerOf(schedule, "second").seatIds()).containsExactly(10L);
	}

	@Test
	void theReaperOffersLapsedSeatsAndALapsedOfferGoesToTheNext() {
		long schedule = held.newSchedule();
		ReservationScripts shortOffers = new ReservationScripts(redis.template(), redis.keyspace(), LapseProperties.OFF,
				new WaitingListOffers(redis.keyspace(), 300, 4));
		held.hold(schedule, "owner", seats(1, 9), MINUTE);
		Reservation lapsing = held.hold(schedule, "lapser", List.of(10L), 300);
		join(schedule, "first", 1);
		join(schedule, "second", 1);
		redis.awaitPast(lapsing.heldUntil().toEpochMilli());
		assertThat(shortOffers.expireDue(schedule, redis.now(), 100).block()).as("the offered field is no expiry")
			.isEqualTo(1);
		Reservation first = offerOf(schedule, "first");
		assertThat(first.seatIds()).containsExactly(10L);
		assertThat(place(schedule, "second").position()).isEqualTo(1);

		redis.awaitPast(first.heldUntil().toEpochMilli());
		assertThat(shortOffers.expireDue(schedule, redis.now(), 100).block()).isEqualTo(1);
		assertThat(held.find(first.id()).state()).isEqualTo(ReservationState.EXPIRED);
		assertThat(offerOf(schedule, "second").seatIds()).containsExactly(10L);
		// the first fan lost it: the offer is remembered, the place is gone
		assertThat(place(schedule, "first").offer()).isEqualTo(first.id());
	}

	@Test
	void unitsAreOfferedToFansWaitingForThem() {
		long schedule = held.newSchedule();
		long inventory = held.inventoryOnSale(schedule, 3, 50, 4);
		Join notSoldOut = lists.join(schedule, "fan", 0, inventory, 2, 4).block();
		assertThat(notSoldOut.status()).isEqualTo(JoinStatus.NOT_SOLD_OUT);
		assertThat(notSoldOut.available()).isEqualTo(3);
		Reservation units = held.holdWithUnits(schedule, "owner", List.of(), inventory, 3, MINUTE);
		assertThat(lists.join(schedule, "fan", 0, inventory + 1, 2, 4).block().status())
			.isEqualTo(JoinStatus.INVENTORY_NOT_FOUND);
		Join over = lists.join(schedule, "fan", 0, inventory, 5, 4).block();
		assertThat(over.status()).isEqualTo(JoinStatus.LIMIT);
		assertThat(over.limit()).isEqualTo(4);
		assertThat(lists.join(schedule, "fan", 0, inventory, 2, 4).block().position()).isEqualTo(1);
		WaitingListPlace waiting = place(schedule, "fan");
		assertThat(waiting.inventoryId()).isEqualTo(inventory);
		assertThat(waiting.quantity()).isEqualTo(2);

		scripts.release(units, "owner").block();
		Reservation offer = offerOf(schedule, "fan");
		assertThat(offer.items()).containsExactly(new Reservation.Item(inventory, 2, 50));
		assertThat(offer.amount()).isEqualTo(100);
		assertThat(held.inventoryCounts(schedule, inventory)).containsEntry("held", "2");
	}

	@Test
	void withNobodyWaitingReleasesChangeNothingElse() {
		long schedule = held.newSchedule();
		Reservation r = held.hold(schedule, "owner", List.of(1L), MINUTE);
		assertThat(scripts.release(r, "owner").block().status()).isEqualTo(ReleaseStatus.CANCELLED);
		assertThat(redis.template().hasKey(ScheduleKeys.of(redis.keyspace(), schedule).hold(1)).block()).isFalse();
		assertThat(redis.template().hasKey(WaitingListKeys.of(redis.keyspace(), schedule).freed()).block()).isFalse();
	}

	@Test
	void joinsLeavesAndOffersAreEventsAndARestorePutsTheLineBackInOrder() {
		long schedule = held.newSchedule();
		Reservation single = held.hold(schedule, "owner", List.of(10L), MINUTE);
		held.hold(schedule, "owner2", seats(1, 9), MINUTE);
		join(schedule, "a", 1);
		join(schedule, "b", 2);
		join(schedule, "c", 1);
		lists.leave(schedule, "c").block();
		scripts.release(single, "owner").block();
		List<Map<String, String>> waiting = held.events(schedule)
			.stream()
			.filter(e -> e.get("type").startsWith("WAITING_"))
			.toList();
		assertThat(waiting).extracting(e -> e.get("type"), e -> e.get("userId"), e -> e.get("waiting"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple("WAITING_JOINED", "a", "1:s:1"),
					org.assertj.core.groups.Tuple.tuple("WAITING_JOINED", "b", "2:s:2"),
					org.assertj.core.groups.Tuple.tuple("WAITING_JOINED", "c", "3:s:1"),
					org.assertj.core.groups.Tuple.tuple("WAITING_LEFT", "c", "3:s:1"),
					org.assertj.core.groups.Tuple.tuple("WAITING_LEFT", "a", "1:s:1"));
		assertThat(waiting.get(0)).containsEntry("reservationId", schedule + "-waiting-list")
			.containsEntry("eventId", schedule + "-waiting-list:1:WAITING")
			.containsEntry("state", "WAITING")
			.containsEntry("version", "1")
			.containsEntry("seatIds", "")
			.containsEntry("scheduleId", String.valueOf(schedule));
		assertThat(waiting.get(3)).containsEntry("eventId", schedule + "-waiting-list:3:LEFT").containsEntry("state", "LEFT");
		List<Map<String, String>> all = held.events(schedule);
		assertThat(all.get(all.size() - 2)).containsEntry("type", "HELD").containsEntry("userId", "a");
		assertThat(all.get(all.size() - 1)).containsEntry("type", "WAITING_LEFT").containsEntry("userId", "a");
		assertThat(place(schedule, "b").position()).isEqualTo(1);

		// Redis lost the line: restored from the record, in join order, the counter never going back
		WaitingListKeys w = WaitingListKeys.of(redis.keyspace(), schedule);
		redis.template().delete(w.list(), w.requests(), w.sequence(), w.wants()).block();
		RestoredWaitingList restorer = new RestoredWaitingList(redis.template(), redis.keyspace(), lists);
		dev.stagedoor.catalog.Schedule s = new dev.stagedoor.catalog.Schedule(schedule, 1, java.time.Instant.now(), null,
				List.of());
		assertThat(restorer.restore(s, List.of(new RestoredWaitingList.Entry(2, "b", "s:2", 1_000),
				new RestoredWaitingList.Entry(5, "e", "s:1", 2_000), new RestoredWaitingList.Entry(7, "g", "s:1", 3_000)))
			.block()).isEqualTo(3);
		assertThat(place(schedule, "b").position()).isEqualTo(1);
		assertThat(place(schedule, "e").position()).isEqualTo(2);
		assertThat(place(schedule, "g").position()).isEqualTo(3);
		assertThat(place(schedule, "g").joinedAt().toEpochMilli()).isEqualTo(3_000);
		// a fan in Redis already keeps the place Redis has; nothing is counted twice
		assertThat(restorer.restore(s, List.of(new RestoredWaitingList.Entry(2, "b", "s:2", 1_000))).block()).isZero();
		assertThat(join(schedule, "late", 1).position()).isEqualTo(4);
		assertThat(redis.template().opsForValue().get(w.sequence()).block()).isEqualTo("8");
		assertThat(redis.template().opsForHash().get(w.wants(), "seats").block()).isEqualTo("4");
	}

	@Test
	void fiftyConcurrentHoldsOfLapsedSeatsRacingTheReaperNeverGetTheSeatsTheLineWaitsFor() {
		long schedule = held.newSchedule();
		held.hold(schedule, "owner", seats(1, 7), MINUTE);
		List<Reservation> lapsing = List.of(held.hold(schedule, "l8", List.of(8L), 300),
				held.hold(schedule, "l9", List.of(9L), 300), held.hold(schedule, "l10", List.of(10L), 300));
		join(schedule, "w1", 1);
		join(schedule, "w2", 1);
		join(schedule, "w3", 1);
		redis.awaitPast(lapsing.get(2).heldUntil().toEpochMilli());

		List<Hold> grabs = reactor.core.publisher.Flux.range(0, 50)
			.flatMap(i -> i % 10 == 0 ? scripts.expireDue(schedule, redis.now(), 100).then(reactor.core.publisher.Mono.empty())
					: scripts.hold(schedule, ReservationIds.next(schedule), "grabber-" + i, List.of(8L + i % 3), MINUTE, 4),
					50)
			.collectList()
			.block();
		assertThat(grabs).hasSize(45).allSatisfy(grab -> assertThat(grab.status()).isEqualTo(Hold.Status.UNAVAILABLE));
		assertThat(List.of(offerOf(schedule, "w1"), offerOf(schedule, "w2"), offerOf(schedule, "w3")))
			.extracting(Reservation::seatIds)
			.containsExactlyInAnyOrder(List.of(8L), List.of(9L), List.of(10L));
		assertThat(offerOf(schedule, "w1").seatIds()).containsExactly(8L);
		lapsing.forEach(r -> assertThat(held.find(r.id()).state()).isEqualTo(ReservationState.EXPIRED));
		// each lapsed hold expired once: one EXPIRED event each
		assertThat(held.events(schedule).stream().filter(e -> "EXPIRED".equals(e.get("type"))).count()).isEqualTo(3);
	}

}
