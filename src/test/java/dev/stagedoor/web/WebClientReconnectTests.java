package dev.stagedoor.web;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.DevSignIn;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TcpProxy;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web client's streams when the connection drops, in headless Chromium: the page is
 * loaded through a {@link TcpProxy}, which closes every connection (the seat stream and the
 * reservation stream included) and refuses new ones for a while. The page must reopen each
 * stream with a new stream ticket, the reservation stream with {@code lastEventId} = the last
 * version it saw, and then show changes made after the reconnect, without a reload. The
 * tickets and stream URLs are read from the requests the server received ({@link RequestLog}).
 */
@IntegrationTest
// one context for every web client test (RequestLog and ShedOnce do nothing until used)
@Import({ DevSignIn.class, RequestLog.class, ShedOnce.class })
class WebClientReconnectTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	RequestLog requests;

	@Autowired
	MeterRegistry meters;

	final List<Chromium> browsers = new ArrayList<>();

	TcpProxy proxy;

	@AfterEach
	void close() throws IOException {
		this.browsers.forEach(Chromium::close);
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void droppedStreamsAreReopenedWithNewTicketsAndTheLastEventIdAndStayLive() throws IOException {
		long concert = Concerts.create(this.port, "Reconnecting");
		long schedule = schedule(concert);
		Concerts.configureQueue(this.port, concert, 100, 100, 600);
		List<Long> seats = seats(schedule);
		long mine = seats.get(0);
		long theirs = seats.get(1);
		String fanId = "fan-" + ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
		this.proxy = new TcpProxy("127.0.0.1", this.port);
		String base = "http://localhost:" + this.proxy.port();

		Chromium fan = admittedOnTheSeatMap(base, fanId, concert, schedule);
		fan.click("#seat-" + mine);
		fan.click("#hold");
		await().atMost(Duration.ofSeconds(10)).until(() -> "HELD".equals(fan.attribute("#reservation", "data-state")));
		String reservation = fan.attribute("#reservation", "data-reservation");
		String seatStream = "/api/schedules/" + schedule + "/seats/stream";
		String reservationStream = "/api/reservations/" + reservation + "/stream";

		// paid through the API, not the page: CONFIRMED can only reach the page over its
		// reservation stream, so once it shows, the page has seen the stream's latest event id
		Api.user(this.port, fanId).post().uri("/api/me/points/charges").header("Idempotency-Key", UUID.randomUUID().toString())
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("amount", 100)).exchange().expectStatus().isCreated();
		Api.user(this.port, fanId).post().uri("/api/reservations/{id}/payment", reservation).exchange().expectStatus().isOk();
		await().atMost(Duration.ofSeconds(10)).until(() -> "CONFIRMED".equals(fan.attribute("#reservation", "data-state")));
		long version = ((Number) reservation(fanId, reservation).get("version")).longValue();
		assertThat(reservation(fanId, reservation).get("state")).isEqualTo("CONFIRMED");
		assertThat(this.requests.all()).as("one ticket and one opening per stream so far")
			.filteredOn(r -> r.isStream(reservationStream)).singleElement()
			.satisfies(r -> assertThat(r.parameter("lastEventId")).isNull());
		assertThat(this.requests.all()).filteredOn(r -> r.isStream(seatStream)).hasSize(1);
		assertThat(renders(fan)).isEqualTo(1);

		// the connections drop; the server sees both streams end
		int before = this.requests.size();
		this.proxy.cut();
		await().atMost(Duration.ofSeconds(10)).until(() -> openStreams("seats") == 0 && openStreams("reservation") == 0);
		this.proxy.restore();

		// each stream is reopened with a ticket asked for after the drop; the reservation
		// stream resumes after the version the page last saw
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			List<RequestLog.Request> after = this.requests.since(before);
			assertThat(after).filteredOn(r -> r.isStream(reservationStream)).isNotEmpty();
			assertThat(after).filteredOn(r -> r.isStream(seatStream)).isNotEmpty();
		});
		List<RequestLog.Request> after = this.requests.since(before);
		RequestLog.Request reopenedReservation = after.stream().filter(r -> r.isStream(reservationStream)).findFirst().orElseThrow();
		RequestLog.Request reopenedSeats = after.stream().filter(r -> r.isStream(seatStream)).findFirst().orElseThrow();
		assertThat(reopenedReservation.parameter("lastEventId")).isEqualTo(String.valueOf(version));
		assertThat(reopenedReservation.parameter("ticket")).isNotBlank();
		// the seat stream has no event ids: it starts over with a fresh snapshot
		assertThat(reopenedSeats.parameter("ticket")).isNotBlank();
		assertThat(reopenedSeats.parameter("lastEventId")).isNull();
		// a new ticket for each reopening, asked for before it
		assertThat(after.subList(0, after.indexOf(reopenedReservation))).anyMatch(RequestLog.Request::isTicket);
		assertThat(after.subList(0, after.indexOf(reopenedSeats))).anyMatch(RequestLog.Request::isTicket);
		assertThat(after).filteredOn(RequestLog.Request::isTicket).hasSizeGreaterThanOrEqualTo(2);
		// the reopened seat stream's snapshot was drawn
		await().atMost(Duration.ofSeconds(10)).until(() -> renders(fan) == 2);

		// changes after the reconnect reach the page without a reload: a seat held by someone
		// else (seat stream), the fan's cancellation (reservation stream) and its seat back on sale
		Object page = fan.script("return performance.timeOrigin;");
		holdAsSomeoneElse(concert, schedule, theirs);
		await().atMost(Duration.ofSeconds(5)).until(() -> "HELD".equals(fan.attribute("#seat-" + theirs, "data-status")));
		assertThat(fan.attribute("#seat-" + mine, "data-status")).isEqualTo("SOLD");
		// a paid reservation is cancelled in the background (202 CANCELLING, then the refund)
		Api.user(this.port, fanId).post().uri("/api/reservations/{id}/cancellation", reservation).exchange().expectStatus().isAccepted();
		await().atMost(Duration.ofSeconds(15)).until(() -> "CANCELLED".equals(fan.attribute("#reservation", "data-state")));
		assertThat(fan.text("#reservation-state")).isEqualTo("CANCELLED");
		await().atMost(Duration.ofSeconds(5)).until(() -> "AVAILABLE".equals(fan.attribute("#seat-" + mine, "data-status")));
		assertThat(fan.script("return performance.timeOrigin;")).as("the same page, not reloaded").isEqualTo(page);
		assertThat(renders(fan)).isEqualTo(2);
		fan.screenshot("reconnected");
		// the browser notes the dropped streams and the ticket requests refused while cut;
		// no script error
		assertThat(fan.consoleErrors()).allSatisfy(entry -> assertThat(entry).doesNotContain("Uncaught")
			.containsAnyOf("/stream?ticket=", "/api/me/stream-tickets"));
	}

	@Test
	void aPickedSeatTakenWhileThePageWasDisconnectedIsNoLongerPickedAfterTheReconnect() throws IOException {
		long concert = Concerts.create(this.port, "Taken while away");
		long schedule = schedule(concert);
		Concerts.configureQueue(this.port, concert, 100, 100, 600);
		List<Long> seats = seats(schedule);
		long taken = seats.get(0);
		long kept = seats.get(2);
		String fanId = "fan-" + ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
		this.proxy = new TcpProxy("127.0.0.1", this.port);
		Chromium fan = admittedOnTheSeatMap("http://localhost:" + this.proxy.port(), fanId, concert, schedule);
		String seatStream = "/api/schedules/" + schedule + "/seats/stream";
		fan.click("#seat-" + taken);
		fan.click("#seat-" + kept);
		assertThat(fan.text("#selection")).isEqualTo("Picked: A-1-1, A-1-3 (200 points)");

		// while the page is cut off, someone else holds one of the picked seats; the page
		// cannot know (its seat stream is down and new connections are refused)
		int before = this.requests.size();
		this.proxy.cut();
		await().atMost(Duration.ofSeconds(10)).until(() -> openStreams("seats") == 0);
		holdAsSomeoneElse(concert, schedule, taken);
		assertThat(fan.attribute("#seat-" + taken, "data-status")).isEqualTo("AVAILABLE");
		assertThat(fan.attribute("#seat-" + taken, "aria-selected")).isEqualTo("true");
		this.proxy.restore();

		// the reopened stream's snapshot shows the seat held, and it is no longer picked
		await().atMost(Duration.ofSeconds(20)).until(() -> this.requests.since(before).stream().anyMatch(r -> r.isStream(seatStream)));
		await().atMost(Duration.ofSeconds(10)).until(() -> renders(fan) == 2);
		assertThat(fan.attribute("#seat-" + taken, "data-status")).isEqualTo("HELD");
		assertThat(fan.attribute("#seat-" + taken, "aria-selected")).isEqualTo("false");
		assertThat(fan.attribute("#seat-" + kept, "aria-selected")).isEqualTo("true");
		assertThat(((Number) fan.script("return document.querySelectorAll('#seatmap rect[aria-selected=true]').length;")).intValue())
			.isEqualTo(1);
		assertThat(fan.text("#selection")).isEqualTo("Picked: A-1-3 (100 points)");
		assertThat(fan.find("#hold").isEnabled()).isTrue();
		// what the page shows picked is what it holds
		fan.click("#hold");
		await().atMost(Duration.ofSeconds(10)).until(() -> "HELD".equals(fan.attribute("#reservation", "data-state")));
		assertThat(reservation(fanId, fan.attribute("#reservation", "data-reservation")).get("seatIds"))
			.isEqualTo(List.of((int) kept));
		assertThat(fan.consoleErrors()).allSatisfy(entry -> assertThat(entry).doesNotContain("Uncaught")
			.containsAnyOf("/stream?ticket=", "/api/me/stream-tickets"));
	}

	/** A fan admitted through the page's waiting room, on the schedule's seat map, loaded from {@code base}. */
	private Chromium admittedOnTheSeatMap(String base, String fanId, long concert, long schedule) {
		Chromium fan = browser();
		FanPages.admittedOnTheSeatMap(fan, base, fanId, this.room, concert, schedule);
		return fan;
	}

	/** Another admitted user holds the seat, through the API (not through the proxy). */
	private void holdAsSomeoneElse(long concert, long schedule, long seat) {
		String other = "other-" + ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
		String token = Admissions.admit(this.room, concert, other);
		Api.user(this.port, other).post().uri("/api/schedules/{id}/reservations", schedule)
			.header("Queue-Token", token).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("seatIds", List.of(seat))).exchange().expectStatus().isCreated();
	}

	private List<Long> seats(long schedule) {
		return Api.admin(this.port).get().uri("/api/schedules/{id}/seats", schedule).exchange()
			.expectBodyList(Map.class).returnResult().getResponseBody().stream()
			.map(seat -> ((Number) seat.get("id")).longValue())
			.toList();
	}

	private double openStreams(String kind) {
		return this.meters.get("stagedoor.streams.open").tag("kind", kind).gauge().value();
	}

	/** Seat-map snapshots the page has drawn. */
	private static long renders(Chromium fan) {
		return ((Number) fan.script("return performance.getEntriesByName('seatmap-render').length;")).longValue();
	}

	private Map<?, ?> reservation(String fanId, String id) {
		return Api.user(this.port, fanId).get().uri("/api/reservations/{id}", id).exchange().expectStatus().isOk()
			.expectBody(Map.class).returnResult().getResponseBody();
	}

	private Chromium browser() {
		Chromium browser = new Chromium(1280, 900);
		this.browsers.add(browser);
		return browser;
	}

	private long schedule(long concert) {
		Instant startsAt = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
		Map<?, ?> body = Api.admin(this.port).post().uri("/api/admin/concerts/{id}/schedules", concert)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("startsAt", startsAt.toString(), "sections",
					List.of(Map.of("name", "A", "rows", 1, "seatsPerRow", 4, "price", 100))))
			.exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
		return ((Number) body.get("id")).longValue();
	}

}
