package dev.stagedoor.reservation;

public enum ReservationState {

	HELD, PAYING, CONFIRMED, CANCELLING, CANCELLED, EXPIRED;

	public boolean isFinal() {
		return this == CANCELLED || this == EXPIRED;
	}

}
