package dev.stagedoor.reservation;

/**
 * A member of the expiry, paying and cancelling sorted sets: {@code "<reservationId>|<user>"}
 * ({@code member} in {@code lua/lib/reservation.lua} writes it). The reservation id never
 * contains a bar, so the first one splits it, whatever the user id holds.
 */
public record ExpiryMember(String reservationId, String userId) {

	public static ExpiryMember parse(String member) {
		int bar = member.indexOf('|');
		if (bar < 0) {
			throw new IllegalArgumentException("not a reservation member: '" + member + "'");
		}
		return new ExpiryMember(member.substring(0, bar), member.substring(bar + 1));
	}

}
