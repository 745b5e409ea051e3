package dev.stagedoor.reservation;

import dev.stagedoor.support.ScriptReply;

/**
 * The reply of a script that looks at or changes one reservation ({@code state_reply} in
 * {@code lua/lib/reservation.lua}), decoded once: the status as the script's own enum, then
 * the reservation's state and version after the call. {@code NOT_FOUND} is the one status
 * without a reservation (state null, version 0).
 */
public record StateReply<S extends Enum<S>>(S status, ReservationState state, long version) {

	public static <S extends Enum<S>> StateReply<S> of(ScriptReply reply, Class<S> statuses) {
		S status = reply.status(statuses);
		if (!reply.has("state")) {
			if (!"NOT_FOUND".equals(status.name())) {
				throw reply.unexpected("no reservation state");
			}
			return new StateReply<>(status, null, 0);
		}
		ReservationState state;
		try {
			state = ReservationState.valueOf(reply.text("state"));
		}
		catch (IllegalArgumentException ex) {
			throw reply.unexpected("unknown reservation state");
		}
		return new StateReply<>(status, state, reply.number("version"));
	}

}
