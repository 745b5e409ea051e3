package dev.stagedoor.reservation;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import dev.stagedoor.reservation.ReservationScripts.Hold;
import dev.stagedoor.support.ScriptRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seat-spinning defence in hold_seats.lua, release_hold.lua and expire_holds.lua, against
 * Redis: releases and lapses counted once each, whichever script sees them first, the hold
 * after the limit refused with the wait until the window lets it through, and nothing held by
 * a refused hold.
 */
class SeatSpinningScriptsTests {

	static final long MINUTE = 60_000;

	static ScriptRedis redis;

	static ReservationScripts scripts;

	static HeldReservations held;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(SeatSpinningScriptsTests.class);
		held = new HeldReservations(redis);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	static ReservationScripts spinning(int max, Duration window) {
		return new ReservationScripts(redis.template(), redis.keyspace(), new LapseProperties(max, window));
	}

	static Hold hold(ReservationScripts scripts, long schedule, String user, long seat, long ttl) {
		return scripts.hold(schedule, ReservationIds.next(schedule), user, List.of(seat), ttl, 10).block();
	}

	static long lapses(long schedule, String user) {
		return redis.template().opsForZSet().size(ReservationKeys.of(redis.keyspace(), schedule).lapses(user)).block();
	}

	@Test
	void holdReleaseThreeTimesThenTheFourthHoldWaitsForTheWindow() {
		ReservationScripts scripts = spinning(3, Duration.ofSeconds(2));
		long schedule = held.newSchedule();
		long firstRelease = 0;
		for (int round = 0; round < 3; round++) {
			Hold hold = hold(scripts, schedule, "spinner", 1, MINUTE);
			assertThat(hold.status()).isEqualTo(Hold.Status.HELD);
			Reservation reservation = held.find(heldId(schedule, "spinner"));
			assertThat(scripts.release(reservation, "spinner").block().status())
				.isEqualTo(ReservationScripts.ReleaseStatus.CANCELLED);
			if (round == 0) {
				firstRelease = redis.now();
			}
		}
		assertThat(lapses(schedule, "spinner")).isEqualTo(3);

		String refusedId = ReservationIds.next(schedule);
		Hold refused = scripts.hold(schedule, refusedId, "spinner", List.of(1L), MINUTE, 10).block();
		assertThat(refused.status()).isEqualTo(Hold.Status.COOLDOWN);
		assertThat(refused.alreadyHeld()).isEqualTo(3);
		assertThat(refused.retryAfterMs()).isBetween(1L, 2_000L);
		assertThat(held.find(refusedId)).isNull();
		assertThat(redis.template().hasKey(ReservationKeys.of(redis.keyspace(), schedule).userLive("spinner")).block())
			.isFalse();
		// others, and the spinner on another schedule, hold as usual
		assertThat(hold(scripts, schedule, "fan", 1, MINUTE).status()).isEqualTo(Hold.Status.HELD);
		assertThat(hold(scripts, held.newSchedule(), "spinner", 1, MINUTE).status()).isEqualTo(Hold.Status.HELD);

		redis.awaitPast(firstRelease + 2_000 + 5);
		assertThat(hold(scripts, schedule, "spinner", 2, MINUTE).status()).isEqualTo(Hold.Status.HELD);
	}

	@Test
	void aLapsedHoldCountsOnceWhetherTheNextHoldOrTheReaperSeesItFirst() {
		ReservationScripts scripts = spinning(3, Duration.ofMinutes(30));
		long schedule = held.newSchedule();
		Hold lapsing = hold(scripts, schedule, "sleeper", 1, 50);
		redis.awaitPast(lapsing.heldUntil());
		// the next hold finds it lapsed in the user's live reservations: recorded now
		assertThat(hold(scripts, schedule, "sleeper", 2, 50).status()).isEqualTo(Hold.Status.HELD);
		assertThat(lapses(schedule, "sleeper")).isEqualTo(1);
		redis.awaitPast(redis.now() + 60);
		// the reaper expires both: only the second is new
		assertThat(scripts.expireDue(schedule, Long.MAX_VALUE / 2, 100).block()).isEqualTo(2);
		assertThat(lapses(schedule, "sleeper")).isEqualTo(2);
		assertThat(hold(scripts, schedule, "sleeper", 3, MINUTE).status()).isEqualTo(Hold.Status.HELD);
		Reservation third = held.find(heldId(schedule, "sleeper"));
		// fifty concurrent releases of one hold: one release, one lapse
		Flux.range(0, 50).flatMap(i -> scripts.release(third, "sleeper"), 50).collectList().block();
		assertThat(lapses(schedule, "sleeper")).isEqualTo(3);
		assertThat(hold(scripts, schedule, "sleeper", 4, MINUTE).status()).isEqualTo(Hold.Status.COOLDOWN);
	}

	@Test
	void offRecordsNothing() {
		ReservationScripts scripts = spinning(0, Duration.ofMinutes(30));
		long schedule = held.newSchedule();
		for (int round = 0; round < 5; round++) {
			assertThat(hold(scripts, schedule, "free", 1, MINUTE).status()).isEqualTo(Hold.Status.HELD);
			scripts.release(held.find(heldId(schedule, "free")), "free").block();
		}
		assertThat(lapses(schedule, "free")).isZero();
	}

	/** The user's one live (held) reservation on the schedule. */
	private static String heldId(long schedule, String user) {
		return redis.template()
			.<String, String>opsForHash()
			.keys(ReservationKeys.of(redis.keyspace(), schedule).userLive(user))
			.collectList()
			.block()
			.stream()
			.filter(id -> "HELD".equals(held.find(id).state().name()))
			.findFirst()
			.orElseThrow();
	}

}
