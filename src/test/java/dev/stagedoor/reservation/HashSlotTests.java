package dev.stagedoor.reservation;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;

/** Every key a schedule script receives maps to one Redis Cluster slot (CRC16 of the hash tag). */
class HashSlotTests {

	@Test
	void allScheduleKeysShareOneSlot() {
		for (String prefix : List.of("", "prod:", "test-abc:")) {
			for (long schedule : List.of(1L, 42L, 123_456_789L)) {
				ScheduleKeys keys = ScheduleKeys.of(new RedisKeyspace(prefix), schedule);
				String reservation = ReservationIds.next(schedule);
				List<String> all = new ArrayList<>(List.of(keys.seats(), keys.meta(), keys.sold(), keys.expiry(),
						keys.outbox(), keys.reservation(reservation), keys.userLive("user-1"),
						keys.userLive("{weird}user"), keys.hold(1), keys.hold(987_654)));
				int slot = SlotHash.getSlot(all.get(0));
				assertThat(all).allSatisfy(key -> assertThat(SlotHash.getSlot(key)).as(key).isEqualTo(slot));
			}
		}
	}

	@Test
	void differentSchedulesSpreadOverSlots() {
		long distinct = java.util.stream.LongStream.rangeClosed(1, 100)
			.map(id -> SlotHash.getSlot(ScheduleKeys.of(new RedisKeyspace(""), id).seats()))
			.distinct()
			.count();
		assertThat(distinct).isGreaterThan(90);
	}

}
