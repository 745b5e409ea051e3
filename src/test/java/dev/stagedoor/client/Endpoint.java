package dev.stagedoor.client;

import org.springframework.http.HttpMethod;

/**
 * Every operation of the HTTP API the {@link StagedoorClient} sends, with its method and path
 * template as {@code docs/openapi.json} spells them. The client builds no path elsewhere, so
 * this table is the whole of what it claims to speak; {@code StagedoorClientContractTests}
 * holds it against the document (both ways) and against the requests the client really sends.
 */
public enum Endpoint {

	CONCERT_CREATE(HttpMethod.POST, "/api/admin/concerts"),

	QUEUE_STATS(HttpMethod.GET, "/api/admin/concerts/{concertId}/queue"),

	QUEUE_CONFIGURE(HttpMethod.PUT, "/api/admin/concerts/{concertId}/queue"),

	SCHEDULE_CREATE(HttpMethod.POST, "/api/admin/concerts/{concertId}/schedules"),

	STATS_STREAM(HttpMethod.GET, "/api/admin/concerts/{concertId}/stats/stream"),

	INVENTORY_CREATE(HttpMethod.POST, "/api/admin/schedules/{scheduleId}/inventories"),

	SCHEDULE_REBUILD(HttpMethod.POST, "/api/admin/schedules/{scheduleId}/rebuild"),

	CONCERTS(HttpMethod.GET, "/api/concerts"),

	CONCERT(HttpMethod.GET, "/api/concerts/{concertId}"),

	QUEUE_STATUS(HttpMethod.GET, "/api/concerts/{concertId}/queue"),

	QUEUE_ENTER(HttpMethod.POST, "/api/concerts/{concertId}/queue"),

	QUEUE_LEAVE(HttpMethod.DELETE, "/api/concerts/{concertId}/queue"),

	QUEUE_STREAM(HttpMethod.GET, "/api/concerts/{concertId}/queue/stream"),

	SCHEDULES(HttpMethod.GET, "/api/concerts/{concertId}/schedules"),

	POINTS(HttpMethod.GET, "/api/me/points"),

	CHARGE(HttpMethod.POST, "/api/me/points/charges"),

	LEDGER(HttpMethod.GET, "/api/me/points/ledger"),

	MY_RESERVATIONS(HttpMethod.GET, "/api/me/reservations"),

	STREAM_TICKET(HttpMethod.POST, "/api/me/stream-tickets"),

	RESERVATION(HttpMethod.GET, "/api/reservations/{id}"),

	CANCEL(HttpMethod.POST, "/api/reservations/{id}/cancellation"),

	PAY(HttpMethod.POST, "/api/reservations/{id}/payment"),

	RESERVATION_STREAM(HttpMethod.GET, "/api/reservations/{id}/stream"),

	SCHEDULE(HttpMethod.GET, "/api/schedules/{scheduleId}"),

	INVENTORIES(HttpMethod.GET, "/api/schedules/{scheduleId}/inventories"),

	INVENTORIES_STREAM(HttpMethod.GET, "/api/schedules/{scheduleId}/inventories/stream"),

	HOLD(HttpMethod.POST, "/api/schedules/{scheduleId}/reservations"),

	SEAT_MAP(HttpMethod.GET, "/api/schedules/{scheduleId}/seats"),

	SEATS_STREAM(HttpMethod.GET, "/api/schedules/{scheduleId}/seats/stream"),

	WAITING_LIST_PLACE(HttpMethod.GET, "/api/schedules/{scheduleId}/waiting-list"),

	WAITING_LIST_JOIN(HttpMethod.POST, "/api/schedules/{scheduleId}/waiting-list"),

	WAITING_LIST_LEAVE(HttpMethod.DELETE, "/api/schedules/{scheduleId}/waiting-list"),

	WAITING_LIST_STREAM(HttpMethod.GET, "/api/schedules/{scheduleId}/waiting-list/stream");

	private final HttpMethod method;

	private final String path;

	Endpoint(HttpMethod method, String path) {
		this.method = method;
		this.path = path;
	}

	public HttpMethod method() {
		return this.method;
	}

	/** The path template, its variables named as in the OpenAPI document. */
	public String path() {
		return this.path;
	}

	@Override
	public String toString() {
		return this.method + " " + this.path;
	}

}
