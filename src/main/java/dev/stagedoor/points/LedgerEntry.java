package dev.stagedoor.points;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One change of a balance. {@code amount} is signed (CHARGE and REFUND add, PAYMENT
 * subtracts), so a balance is the sum of its ledger's amounts.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LedgerEntry(long id, String type, long amount, long balanceAfter, String reservationId,
		Instant createdAt) {
}
