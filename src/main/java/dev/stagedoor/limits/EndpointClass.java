package dev.stagedoor.limits;

import java.util.regex.Pattern;

import org.springframework.http.HttpMethod;

/**
 * The endpoint classes with a rate limit of their own ({@code stagedoor.rate-limit.<name>.*}).
 * Every other request is not limited.
 */
public enum EndpointClass {

	/** Entering a waiting room and polling one's place: {@code POST} and {@code GET /api/concerts/{id}/queue}. */
	QUEUE("queue"),
	/** Seat maps and inventory lists read, and every event stream opened ({@code GET …/stream}). */
	SEATS("seats"),
	/** Holds: {@code POST /api/schedules/{id}/reservations}. */
	HOLDS("holds"),
	/** Payments: {@code POST /api/reservations/{id}/payment}. */
	PAYMENTS("payments"),
	/** Points charges: {@code POST /api/me/points/charges}. */
	CHARGES("charges");

	private static final Pattern QUEUE_PATH = Pattern.compile("/api/concerts/[^/]+/queue");

	private static final Pattern MAP_PATH = Pattern.compile("/api/schedules/[^/]+/(seats|inventories)");

	/** Holds, and joining a waiting list (a join looks at every seat of the schedule, like a hold attempt's cost). */
	private static final Pattern HOLD_PATH = Pattern.compile("/api/schedules/[^/]+/(reservations|waiting-list)");

	private static final Pattern PAYMENT_PATH = Pattern.compile("/api/reservations/[^/]+/payment");

	private final String id;

	EndpointClass(String id) {
		this.id = id;
	}

	/** The name in configuration, meters and the {@code RateLimit} headers. */
	public String id() {
		return this.id;
	}

	/** The class of a request, or null when it is not limited. */
	static EndpointClass of(HttpMethod method, String path) {
		if (HttpMethod.GET.equals(method)) {
			if (path.startsWith("/api/") && path.endsWith("/stream")) {
				return SEATS;
			}
			if (QUEUE_PATH.matcher(path).matches()) {
				return QUEUE;
			}
			return MAP_PATH.matcher(path).matches() ? SEATS : null;
		}
		if (HttpMethod.POST.equals(method)) {
			if (QUEUE_PATH.matcher(path).matches()) {
				return QUEUE;
			}
			if (HOLD_PATH.matcher(path).matches()) {
				return HOLDS;
			}
			if (PAYMENT_PATH.matcher(path).matches()) {
				return PAYMENTS;
			}
			return "/api/me/points/charges".equals(path) ? CHARGES : null;
		}
		return null;
	}

}
