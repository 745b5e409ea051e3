package dev.stagedoor.reservation;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.reservation.RestoredReservations.Paying;
import dev.stagedoor.reservation.RestoredReservations.Record;
import dev.stagedoor.reservation.RestoredReservations.Status;
import dev.stagedoor.support.ScriptRedis;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * restore_reservation.lua driven straight against Redis (no Spring context) through
 * {@link RestoredReservations}: both replies its header documents, and the lists of the
 * tracking features a PAYING and a CANCELLING reservation come back into.
 */
class RestoreReservationScriptTests {

	static ScriptRedis redis;

	static RestoredReservations restored;

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(RestoreReservationScriptTests.class);
		restored = new RestoredReservations(redis.template(), redis.keyspace(),
				List.of(tracking(ReservationState.PAYING, "paying"), tracking(ReservationState.CANCELLING, "cancelling")));
	}

	static RestoredReservations.Tracking tracking(ReservationState state, String name) {
		return new RestoredReservations.Tracking() {

			@Override
			public ReservationState state() {
				return state;
			}

			@Override
			public String key(long scheduleId) {
				return redis.keyspace().schedule(scheduleId) + ":test-" + name;
			}

		};
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void restoresAnOlderOrMissingReservationAndSkipsWhenRedisIsAsNew() {
		long schedule = 5;
		String id = schedule + "-restoredrestored";
		assertThat(restore(schedule, id, ReservationState.CONFIRMED, 3, null).block()).isEqualTo(Status.RESTORED);
		assertThat(redis.template().opsForHash().get(ScheduleKeys.of(redis.keyspace(), schedule).sold(), "7").block())
			.isEqualTo(id);
		assertThat(redis.template()
			.opsForHash()
			.get(ReservationKeys.of(redis.keyspace(), schedule).reservation(id), "h3")
			.block()).isEqualTo("CONFIRMED|1000");

		assertThat(restore(schedule, id, ReservationState.CONFIRMED, 3, null).block()).isEqualTo(Status.SKIPPED);
		assertThat(restore(schedule, id, ReservationState.HELD, 1, null).block()).isEqualTo(Status.SKIPPED);
		assertThat(restore(schedule, id, ReservationState.CANCELLING, 4, null).block()).isEqualTo(Status.RESTORED);
		assertThat(redis.template().opsForZSet().score(tracking(ReservationState.CANCELLING, "cancelling").key(schedule),
				id + "|fan").block()).as("listed for the cancellation feature").isNotNull();
	}

	@Test
	void aPayingReservationComesBackAsItsAttemptInThePaymentFeaturesList() {
		long schedule = 6;
		String id = schedule + "-restoredpaying0";
		assertThat(restore(schedule, id, ReservationState.PAYING, 2, new Paying(7, 0, Duration.ofMinutes(2))).block())
			.isEqualTo(Status.RESTORED);
		assertThat(redis.template()
			.opsForHash()
			.multiGet(ReservationKeys.of(redis.keyspace(), schedule).reservation(id), List.of("state", "attempt"))
			.block()).containsExactly("PAYING", "7");
		assertThat(redis.template().opsForZSet().score(tracking(ReservationState.PAYING, "paying").key(schedule),
				id + "|fan").block()).as("due at once for the payment recovery job").isEqualTo(0.0);
		assertThat(redis.template().getExpire(ScheduleKeys.of(redis.keyspace(), schedule).hold(7)).block())
			.as("its seat stays held for the time asked").isGreaterThan(Duration.ofSeconds(100));
	}

	private static Mono<Status> restore(long schedule, String id, ReservationState state, long version, Paying paying) {
		Record record = new Record(id, schedule, "fan", state, 100, version, 0, 1000, List.of(7L), List.of(), null);
		return restored.restore(paying == null ? record : record.payingIn(paying));
	}

}
