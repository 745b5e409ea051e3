package dev.stagedoor.persistence;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.stagedoor.cancellation.CancellationKeys;
import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.payment.PaymentKeys;
import dev.stagedoor.persistence.ScheduleRecovery.RestoreStatus;
import dev.stagedoor.reservation.ReservationKeys;
import dev.stagedoor.support.LuaScript;
import dev.stagedoor.support.ScriptRedis;
import dev.stagedoor.support.ScriptReply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * restore_reservation.lua driven straight against Redis (no Spring context): both replies
 * its header documents, with the keys and arguments {@link ScheduleRecovery} passes.
 */
class RestoreReservationScriptTests {

	static ScriptRedis redis;

	static final LuaScript restore = LuaScript.load("restore_reservation");

	@BeforeAll
	static void connect() {
		redis = ScriptRedis.open(RestoreReservationScriptTests.class);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
	}

	@Test
	void restoresAnOlderOrMissingReservationAndSkipsWhenRedisIsAsNew() {
		long schedule = 5;
		String id = schedule + "-restoredrestored";
		assertThat(run(schedule, id, "CONFIRMED", 3)).satisfies(reply -> {
			assertThat(reply.status(RestoreStatus.class)).isEqualTo(RestoreStatus.RESTORED);
			assertThat(reply.number("version")).isEqualTo(3);
		});
		assertThat(redis.template().opsForHash().get(ScheduleKeys.of(redis.keyspace(), schedule).sold(), "7").block())
			.isEqualTo(id);
		assertThat(redis.template()
			.opsForHash()
			.get(ReservationKeys.of(redis.keyspace(), schedule).reservation(id), "h3")
			.block()).isEqualTo("CONFIRMED|1000");

		ScriptReply again = run(schedule, id, "CONFIRMED", 3);
		assertThat(again.status(RestoreStatus.class)).isEqualTo(RestoreStatus.SKIPPED);
		assertThat(again.number("version")).isEqualTo(3);
		assertThat(run(schedule, id, "HELD", 1).status(RestoreStatus.class)).isEqualTo(RestoreStatus.SKIPPED);
		assertThat(run(schedule, id, "CANCELLING", 4).status(RestoreStatus.class)).isEqualTo(RestoreStatus.RESTORED);
	}

	private static ScriptReply run(long schedule, String id, String state, long version) {
		ScheduleKeys s = ScheduleKeys.of(redis.keyspace(), schedule);
		ReservationKeys r = ReservationKeys.of(redis.keyspace(), schedule);
		List<String> keys = new ArrayList<>(List.of(r.reservation(id), r.expiry(), r.userLive("fan"), s.sold(),
				PaymentKeys.of(redis.keyspace(), schedule).paying(),
				CancellationKeys.of(redis.keyspace(), schedule).cancelling(), s.hold(7)));
		List<String> args = List.of(id, String.valueOf(schedule), "fan", "7", "100", state, String.valueOf(version),
				"0", "1000", String.valueOf(version), "120000", "1000", "", "7");
		return restore.run(redis.template(), keys, args).block();
	}

}
