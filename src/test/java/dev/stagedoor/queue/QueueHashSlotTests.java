package dev.stagedoor.queue;

import java.util.ArrayList;
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
				QueueKeys room = QueueKeys.of(new RedisKeyspace(prefix), concert);
				List<String> keys = new ArrayList<>(room.all());
				// the keys enter_queue.lua gets besides: per-address entries and the entry buckets,
				// whatever braces a user id or an address holds
				for (String id : List.of("fan", "{evil}", "}{", "203.0.113.7", "2001:db8::1")) {
					keys.add(room.entriesFrom(id));
					keys.add(room.userEntryBucket(id));
					keys.add(room.addressEntryBucket(id));
				}
				int slot = SlotHash.getSlot(keys.get(0));
				assertThat(keys).allSatisfy(key -> assertThat(SlotHash.getSlot(key)).as(key).isEqualTo(slot));
			}
		}
	}

}
