package dev.stagedoor.reservation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import dev.stagedoor.catalog.ScheduleKeys;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key a script receives maps to the one Redis Cluster slot of its schedule (or, for
 * the waiting room, of its concert). The key builders are found by reflection, every public
 * method returning a String on every {@code *Keys} type of the production code, so a key added
 * to any feature is checked without anyone remembering to list it here.
 */
class HashSlotTests {

	private static final Pattern TAG = Pattern.compile("\\{([a-z]+):([0-9]+)}");

	private static final List<Long> IDS = List.of(1L, 42L, 123_456_789L);

	@Test
	void everyKeyOfOneScheduleOrConcertSharesOneSlot() throws Exception {
		List<Class<?>> keyTypes = keyTypes();
		assertThat(keyTypes).extracting(Class::getSimpleName)
			.contains("ScheduleKeys", "ReservationKeys", "PaymentKeys", "CancellationKeys", "OutboxKeys", "QueueKeys",
				"InventoryKeys");
		for (String prefix : List.of("", "prod:", "test-abc:")) {
			for (long id : IDS) {
				// tag ("s:42", "c:42") -> the slots of every key carrying it
				Map<String, List<String>> byTag = new HashMap<>();
				for (Class<?> type : keyTypes) {
					List<String> keys = keysOf(type, new RedisKeyspace(prefix), id);
					assertThat(keys).as(type.getSimpleName() + " builds no key").isNotEmpty();
					for (String key : keys) {
						assertThat(key).as(key).startsWith(prefix);
						Matcher tag = TAG.matcher(key);
						assertThat(tag.find()).as(key + " has no hash tag").isTrue();
						assertThat(tag.group(2)).as(key).isEqualTo(String.valueOf(id));
						byTag.computeIfAbsent(tag.group(1), kind -> new ArrayList<>()).add(key);
					}
				}
				assertThat(byTag).containsOnlyKeys("s", "c");
				byTag.values().forEach(keys -> {
					int slot = SlotHash.getSlot(keys.get(0));
					assertThat(keys).allSatisfy(key -> assertThat(SlotHash.getSlot(key)).as(key).isEqualTo(slot));
				});
			}
		}
	}

	@Test
	void differentSchedulesSpreadOverSlots() {
		long distinct = LongStream.rangeClosed(1, 100)
			.map(id -> SlotHash.getSlot(ScheduleKeys.of(new RedisKeyspace(""), id).seats()))
			.distinct()
			.count();
		assertThat(distinct).isGreaterThan(90);
	}

	/** Every {@code *Keys} type of the production code. */
	private static List<Class<?>> keyTypes() throws ClassNotFoundException {
		List<Class<?>> types = new ArrayList<>();
		for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.stagedoor")) {
			// the rate limiter's buckets have a hash tag per user or address, not per schedule or
			// concert, one key per script call: RateLimitKeysTests checks them
			if (type.getSimpleName().endsWith("Keys") && !type.isNestedClass()
					&& !type.getSimpleName().equals("RateLimitKeys")) {
				types.add(Class.forName(type.getName()));
			}
		}
		return types;
	}

	/**
	 * Every key one {@code *Keys} type builds for one id, through its {@code of(RedisKeyspace,
	 * long)} factory (which each must have); methods taking a seat id or a user or reservation
	 * id are called with awkward values too (a user id containing braces must not move the key
	 * to another slot).
	 */
	private static List<String> keysOf(Class<?> type, RedisKeyspace keyspace, long id) throws Exception {
		Method of = type.getDeclaredMethod("of", RedisKeyspace.class, long.class);
		of.setAccessible(true);
		Object keys = of.invoke(null, keyspace, id);
		List<String> all = new ArrayList<>();
		for (Method method : type.getDeclaredMethods()) {
			if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())
					|| method.getReturnType() != String.class || method.getName().equals("toString")) {
				continue;
			}
			method.setAccessible(true);
			for (Object[] args : arguments(method)) {
				all.add((String) method.invoke(keys, args));
			}
		}
		return all;
	}

	private static List<Object[]> arguments(Method method) {
		Class<?>[] parameters = method.getParameterTypes();
		if (parameters.length == 0) {
			return List.<Object[]>of(new Object[0]);
		}
		assertThat(parameters).as(method + ": a key builder takes at most one id").hasSize(1);
		if (parameters[0] == long.class) {
			return List.of(new Object[] { 1L }, new Object[] { 987_654L });
		}
		assertThat(parameters[0]).as(method.toString()).isEqualTo(String.class);
		return List.of(new Object[] { "user-1" }, new Object[] { "{weird}user" }, new Object[] { "{c:1}" },
				new Object[] { ReservationIds.next(7) });
	}

}
