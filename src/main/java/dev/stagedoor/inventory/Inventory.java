package dev.stagedoor.inventory;

/**
 * A quantity inventory of a schedule (a standing floor, an early-entry pass, parking): sold
 * by count, not by numbered seat. Immutable once created; its live counts are in Redis.
 */
public record Inventory(long id, long scheduleId, String name, int quantity, long price, int maxPerUser) {
}
