package dev.stagedoor.web;

/**
 * Whether a {@code Queue-Token} is genuine (signed by the waiting room, not expired), checked
 * offline before a hold runs so that {@link LoadShedding} can put it in the admitted lane.
 * Whose token it is and for which concert the hold itself checks. Implemented by the waiting
 * room; the web layer knows only this question.
 */
public interface QueueTokenCheck {

	boolean isGenuine(String queueToken);

}
