package dev.stagedoor.catalog;

/** A seat of a schedule, as created; immutable. */
public record Seat(long id, String section, int row, int number, String label, long price) {
}
