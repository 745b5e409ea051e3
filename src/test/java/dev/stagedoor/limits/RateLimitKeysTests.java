package dev.stagedoor.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limiter's bucket keys (excluded from {@code HashSlotTests}, whose keys are per schedule
 * or concert): each has exactly one hash tag, of its user or address, whatever braces the user
 * id holds, so a user's buckets share a slot and different users' spread.
 */
class RateLimitKeysTests {

	private static final Pattern TAG = Pattern.compile("\\{([^{}]*)}");

	@Test
	void eachBucketHasTheHashTagOfItsUserOrAddressAlone() {
		for (String prefix : List.of("", "prod:")) {
			RateLimitKeys keys = RateLimitKeys.of(new RedisKeyspace(prefix));
			for (String user : List.of("user-1", "{weird}user", "{c:1}", "a}b{c", "%7B")) {
				List<String> mine = new ArrayList<>();
				for (EndpointClass endpoint : EndpointClass.values()) {
					mine.add(keys.user(endpoint, user));
				}
				int slot = SlotHash.getSlot(mine.get(0));
				for (String key : mine) {
					assertThat(key).startsWith(prefix + "{rl:u:");
					Matcher tag = TAG.matcher(key);
					assertThat(tag.find()).isTrue();
					assertThat(key.indexOf('{', tag.end())).as(key).isEqualTo(-1);
					assertThat(SlotHash.getSlot(key)).as(key).isEqualTo(slot);
				}
			}
			assertThat(keys.user(EndpointClass.QUEUE, "{c:1}")).isNotEqualTo(keys.user(EndpointClass.QUEUE, "%7Bc:1%7D"));
			assertThat(keys.address(EndpointClass.QUEUE, "2001:db8::1")).isEqualTo(prefix + "{rl:a:2001:db8::1}:queue");
		}
		long slots = java.util.stream.IntStream.range(0, 100)
			.map(i -> SlotHash.getSlot(RateLimitKeys.of(new RedisKeyspace("")).user(EndpointClass.HOLDS, "fan-" + i)))
			.distinct()
			.count();
		assertThat(slots).isGreaterThan(90);
	}

}
