package dev.stagedoor.catalog;

/** A seat with its current status, as the seat map shows it. */
public record SeatView(long id, String section, int row, int number, String label, long price, SeatStatus status) {

	public enum SeatStatus {

		AVAILABLE, HELD, SOLD

	}

	static SeatView of(Seat seat, SeatStatus status) {
		return new SeatView(seat.id(), seat.section(), seat.row(), seat.number(), seat.label(), seat.price(), status);
	}

}
