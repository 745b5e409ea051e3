package dev.stagedoor.web;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every {@code code} a problem+json answer of Stagedoor can carry, with its status and what it
 * means: the catalog behind the OpenAPI document's problem responses. The README's table of
 * problem codes lists the same rows ({@code ProblemCodeCatalogTests} keeps them equal), and
 * every code the sources pass to {@link Problem} must be here.
 */
public enum ProblemCode {

	VALIDATION_FAILED(400, "validation-failed",
			"The request is malformed: invalid JSON, wrong types, bad ids or parameters, invalid fields (listed in `errors` when they are fields)."),
	MALFORMED_REQUEST(400, "malformed-request",
			"The request was refused before routing (an encoded slash or dot segment in the path, a header value with control characters, a request Netty or Spring cannot parse); `field` names the part."),
	UNAUTHORIZED(401, "unauthorized",
			"No valid bearer token (or, on a stream, no valid stream ticket); the request changed nothing."),
	FORBIDDEN(403, "forbidden", "The call needs the admin role."),
	NOT_ADMITTED(403, "not-admitted",
			"No valid `Queue-Token` of an admitted user: missing, forged, expired, for another user or concert, or the admission has ended."),
	NOT_FOUND(404, "not-found", "There is no such route."),
	CONCERT_NOT_FOUND(404, "concert-not-found", "There is no such concert."),
	NOT_IN_QUEUE(404, "not-in-queue", "The caller has no place in this waiting room."),
	NOT_IN_WAITING_LIST(404, "not-in-waiting-list",
			"The caller has no place on this schedule's waiting list and no offer from it."),
	SCHEDULE_NOT_FOUND(404, "schedule-not-found", "There is no such schedule."),
	SEAT_NOT_FOUND(404, "seat-not-found", "Some seats are not in this schedule; `seatIds` names them."),
	INVENTORY_NOT_FOUND(404, "inventory-not-found",
			"Some inventories are not in this schedule; `inventoryIds` names them."),
	RESERVATION_NOT_FOUND(404, "reservation-not-found",
			"There is no such reservation, or it is another user's."),
	METHOD_NOT_ALLOWED(405, "method-not-allowed", "The route does not take this HTTP method."),
	NOT_ACCEPTABLE(406, "not-acceptable", "The call cannot answer in a media type the `Accept` header allows."),
	SEAT_UNAVAILABLE(409, "seat-unavailable", "Some seats are held or sold; `seatIds` names them."),
	INVENTORY_UNAVAILABLE(409, "inventory-unavailable",
			"Some inventories have fewer units left than asked for; `inventoryIds` names them, nothing was held."),
	INVENTORY_NAME_TAKEN(409, "inventory-name-taken", "The schedule already has an inventory with this name."),
	INVALID_STATE(409, "invalid-state",
			"The reservation's state does not allow this (expired, cancelled, paying, ...); `state` and `reservation` show it."),
	PAYMENT_IN_PROGRESS(409, "payment-in-progress",
			"Another payment of this reservation is under way; `reservation` shows it."),
	CANCEL_DEADLINE_PASSED(409, "cancel-deadline-passed",
			"The schedule's cancel deadline has passed; nothing changed."),
	NOT_SOLD_OUT(409, "not-sold-out",
			"What the caller asked to wait for is available now (`available` tells how many): hold it instead; nobody joined the waiting list."),
	SCHEDULE_STARTED(409, "schedule-started",
			"The schedule has started, so nothing can be held for it any more; `startsAt` tells when it started."),
	INSUFFICIENT_POINTS(402, "insufficient-points",
			"The balance does not cover the price; `balance`, `amount` and `reservation` (HELD again) tell the rest."),
	PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request body is over 64 KB."),
	UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "The request body is not `application/json`."),
	SEAT_LIMIT_EXCEEDED(422, "seat-limit-exceeded",
			"The caller would hold or own more seats of the schedule than allowed; `limit` and `held` tell how many."),
	INVENTORY_LIMIT_EXCEEDED(422, "inventory-limit-exceeded",
			"The caller would hold or own more units of some inventories than each allows; `inventoryIds`, `held` and `limits` tell which and how many."),
	IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused",
			"This `Idempotency-Key` was used before with another request body."),
	BALANCE_LIMIT_EXCEEDED(422, "balance-limit-exceeded",
			"The charge would take the balance over the largest allowed (`maxBalance`); stored and replayed like a success."),
	CHARGE_LIMIT_EXCEEDED(422, "charge-limit-exceeded", "The amount is over the largest single charge."),
	RATE_LIMITED(429, "rate-limited",
			"Too many requests of this kind from this user or this client address; retry after `Retry-After` seconds (also `retryAfterSeconds`). The request changed nothing."),
	HOLD_COOLDOWN(429, "hold-cooldown",
			"The caller's holds on this schedule lapsed or were released unpaid too often lately; no new hold on it until `Retry-After` seconds (also `retryAfterSeconds`) have passed. Nothing was held."),
	INTERNAL_ERROR(500, "internal-error", "An unexpected error; the answer reveals no details."),
	UNAVAILABLE(503, "unavailable",
			"Redis or PostgreSQL timed out or is unreachable (e.g. under overload); retry after `Retry-After` seconds. Every state change is atomic, so the resource shows whether it happened. "
					+ "Also a request that ran past `stagedoor.web.request-timeout` (streams excepted)."),
	OVERLOADED(503, "overloaded",
			"The instance is at capacity for this kind of request and shed it before it ran: nothing changed. Retry after `Retry-After` seconds (waiting-room calls are shed before admitted fans' calls).");

	private final int status;

	private final String code;

	private final String meaning;

	ProblemCode(int status, String code, String meaning) {
		this.status = status;
		this.code = code;
		this.meaning = meaning;
	}

	public int status() {
		return this.status;
	}

	public String code() {
		return this.code;
	}

	public String meaning() {
		return this.meaning;
	}

	public static Optional<ProblemCode> of(String code) {
		return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
	}

}
