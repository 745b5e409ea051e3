package dev.stagedoor.catalog;

import java.time.Instant;
import java.util.List;

/** A performance of a concert with its seats; immutable once created. */
public record Schedule(long id, long concertId, Instant startsAt, Instant cancelDeadline, List<Seat> seats) {
}
