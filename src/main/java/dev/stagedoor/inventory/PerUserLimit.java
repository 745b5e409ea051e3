package dev.stagedoor.inventory;

/**
 * The default most units one user may hold or have bought of an inventory: the hold
 * feature's per-user seat limit ({@code stagedoor.hold.max-seats-per-user}), so an inventory
 * created without {@code maxPerUser} is limited like seats.
 */
public interface PerUserLimit {

	int maxSeatsPerUser();

}
