package dev.stagedoor.queue;

import java.util.List;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;

/** Every key a waiting-room script receives maps to one Redis Cluster slot. */
class QueueHashSlotTests {

	@Test
	void allQueueKeysShareOneSlot() {
		for (String prefix : List.of("", "prod:", "test-abc:")) {
			for (long concert : List.of(1L, 7L, 99_999L)) {
				List<String> keys = QueueKeys.of(new RedisKeyspace(prefix), concert).all();
				int slot = SlotHash.getSlot(keys.get(0));
				assertThat(keys).allSatisfy(key -> assertThat(SlotHash.getSlot(key)).as(key).isEqualTo(slot));
			}
		}
	}

}
