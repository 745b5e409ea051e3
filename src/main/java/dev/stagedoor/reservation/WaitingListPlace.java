package dev.stagedoor.reservation;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A fan's place on a schedule's waiting list ({@code position} 1 = next, {@code waiting} fans
 * in line, what they wait for: {@code seats}, or {@code quantity} units of {@code inventoryId}),
 * or, once the list offered them something, only {@code offer}: the id of the HELD reservation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WaitingListPlace(Long position, Instant joinedAt, Long waiting, Integer seats, Long inventoryId,
		Integer quantity, String offer) {
}
