package dev.stagedoor.reservation;

import java.security.SecureRandom;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reservation ids are {@code <scheduleId>-<16 random base-36 chars>}: opaque to clients, yet
 * any instance finds the reservation's Redis slot from the id alone.
 */
final class ReservationIds {

	private static final Pattern FORMAT = Pattern.compile("([1-9][0-9]{0,17})-([0-9a-z]{16})");

	private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

	private static final SecureRandom random = new SecureRandom();

	private ReservationIds() {
	}

	static String next(long scheduleId) {
		char[] suffix = new char[16];
		for (int i = 0; i < suffix.length; i++) {
			suffix[i] = ALPHABET[random.nextInt(ALPHABET.length)];
		}
		return scheduleId + "-" + new String(suffix);
	}

	/** The schedule id inside a well-formed reservation id. */
	static OptionalLong scheduleOf(String reservationId) {
		Matcher matcher = FORMAT.matcher(reservationId == null ? "" : reservationId);
		return matcher.matches() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
	}

}
