package dev.stagedoor.web;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.DevSignIn;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reference web client (src/main/resources/static) in real headless Chromium: two fans
 * in two browser sessions go through the waiting room, the seat map, a hold, a payment with
 * points bought on the way, a cancellation with its refund and a second sale of the same
 * seat, while an admin follows the drop dashboard. Every step is asserted from the pages'
 * DOM, the end state through the API, and no browser logs a console error.
 */
@IntegrationTest
// one context for every web client test (RequestLog and ShedOnce do nothing until used)
@Import({ DevSignIn.class, RequestLog.class, ShedOnce.class })
class WebClientJourneyTests {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WebClientJourneyTests.class);

	/** The seat map and the dashboard must show a change within this (stream ticks: 250 ms and 1 s). */
	static final Duration LIVE = Duration.ofSeconds(2);

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	final List<Chromium> browsers = new java.util.ArrayList<>();

	@AfterEach
	void closeBrowsers() {
		this.browsers.forEach(Chromium::close);
	}

	@Test
	void twoFansQueueHoldPayCancelAndBuyTheSameSeatWhileTheDashboardFollows() {
		long concert = Concerts.create(this.port, "Web client journey");
		long schedule = schedule(concert, 3, 8);
		// one place in the room, taken: both fans must wait
		Concerts.configureQueue(this.port, concert, 1, 100, 600);
		String ahead = "journey-ahead-" + ThreadLocalRandom.current().nextInt(1_000_000);
		Admissions.admit(this.room, concert, ahead);
		long run = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);

		// three browsers, started side by side (each start takes seconds on a busy machine)
		List<java.util.concurrent.CompletableFuture<Chromium>> starting = java.util.stream.Stream
			.generate(() -> java.util.concurrent.CompletableFuture.supplyAsync(() -> new Chromium(1280, 900)))
			.limit(3)
			.toList();
		starting.forEach(browser -> this.browsers.add(browser.join()));
		Chromium a = signIn(this.browsers.get(0), run);
		Chromium b = signIn(this.browsers.get(1), run + 1);
		Chromium admin = this.browsers.get(2);
		admin.open(base() + "/admin/?concert=" + concert);
		awaitText(admin, "#dev-sign-in-admin", "Development: sign in as admin");
		admin.click("#dev-sign-in-admin");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(admin.text("#schedule-stats tr[data-schedule='" + schedule + "'] td.held")).isEqualTo("0"));

		log.info("Journey: browsers ready, dashboard open");
		// both wait: A first, B second
		a.open(base() + "/#/concerts/" + concert);
		a.click("#join");
		awaitText(a, "#queue-position", "1");
		b.open(base() + "/#/concerts/" + concert);
		b.click("#join");
		awaitText(b, "#queue-position", "2");
		a.screenshot("waiting-room");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(admin.text("#stat-waiting .value")).isEqualTo("2"));

		log.info("Journey: both waiting");
		// the one ahead leaves: A is admitted, B moves up, live
		Api.user(this.port, ahead).delete().uri("/api/concerts/{id}/queue", concert).exchange().expectStatus().isNoContent();
		Admissions.step(this.room, concert);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(a.attribute("#queue", "data-status")).isEqualTo("ADMITTED"));
		awaitText(b, "#queue-position", "1");
		assertThat(b.attribute("#queue", "data-status")).isEqualTo("WAITING");
		// a second place: B is admitted too
		Concerts.configureQueue(this.port, concert, 2, 100, 600);
		Admissions.step(this.room, concert);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.attribute("#queue", "data-status")).isEqualTo("ADMITTED"));

		log.info("Journey: both admitted");
		for (Chromium fan : List.of(a, b)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> !fan.all("a.choose[data-schedule='" + schedule + "']").isEmpty());
			fan.click("a.choose[data-schedule='" + schedule + "']");
			await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(fan.attribute("#seatmap", "data-painted")));
		}
		long seat = firstSeat(schedule);
		String rect = "#seat-" + seat;
		assertThat(a.attribute(rect, "data-status")).isEqualTo("AVAILABLE");

		// A picks the seat (keyboard: the map's first seat is the first in focus, Space picks it) and holds it
		a.find("#seatmap").sendKeys(Keys.SPACE);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.attribute(rect, "aria-selected")).isEqualTo("true"));
		assertThat(a.attribute("#seatmap", "aria-activedescendant")).isEqualTo("seat-" + seat);
		assertThat(a.find("#live").getDomProperty("textContent")).isEqualTo("A row 1 seat 1, available, 120 points, picked");
		assertThat(a.text("#selection")).startsWith("Picked: A-1-1");
		a.click("#hold");
		Instant held = Instant.now();
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.attribute("#reservation", "data-state")).isEqualTo("HELD"));
		assertThat(a.text("#countdown")).matches("Held for you for [45]:[0-5][0-9]");
		String first = a.attribute("#reservation", "data-reservation");
		await().atMost(LIVE).untilAsserted(() -> assertThat(b.attribute(rect, "data-status")).isEqualTo("HELD"));
		await().atMost(LIVE).untilAsserted(() -> assertThat(admin.text("#schedule-stats tr[data-schedule='" + schedule + "'] td.held")).isEqualTo("1"));
		assertThat(Duration.between(held, Instant.now())).isLessThan(LIVE.plusMillis(500));
		a.screenshot("seat-map-held");

		log.info("Journey: held");
		// A has no points: the page buys what is missing, then pays
		a.click("#pay");
		Instant paid = Instant.now();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(a.attribute("#reservation", "data-state")).isEqualTo("CONFIRMED"));
		assertThat(a.text("#reservation-state")).isEqualTo("CONFIRMED");
		await().atMost(LIVE).untilAsserted(() -> assertThat(b.attribute(rect, "data-status")).isEqualTo("SOLD"));
		await().atMost(LIVE).untilAsserted(() -> assertThat(admin.text("#schedule-stats tr[data-schedule='" + schedule + "'] td.sold")).isEqualTo("1"));
		assertThat(Duration.between(paid, Instant.now())).isLessThan(Duration.ofSeconds(12));
		awaitText(a, "#balance", "0 points");
		a.screenshot("confirmed");
		admin.screenshot("dashboard");

		log.info("Journey: confirmed");
		// A cancels: refunded, the seat is on sale again
		a.click("#cancel");
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(a.attribute("#reservation", "data-state")).isEqualTo("CANCELLED"));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.text("#refund")).isEqualTo("Cancelled. 120 points refunded; your balance is 120 points."));
		await().atMost(LIVE).untilAsserted(() -> assertThat(b.attribute(rect, "data-status")).isEqualTo("AVAILABLE"));

		log.info("Journey: cancelled");
		// B buys it
		b.click(rect);
		b.click("#hold");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.attribute("#reservation", "data-state")).isEqualTo("HELD"));
		b.click("#pay");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.attribute("#reservation", "data-state")).isEqualTo("CONFIRMED"));
		String second = b.attribute("#reservation", "data-reservation");
		await().atMost(LIVE).untilAsserted(() -> assertThat(a.attribute(rect, "data-status")).isEqualTo("SOLD"));

		log.info("Journey: B bought it");
		// A's tickets page shows the cancelled reservation (from PostgreSQL, eventually)
		a.click("#nav-tickets");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			a.driver.navigate().refresh();
			assertThat(a.text("#tickets tr[data-reservation='" + first + "'] .state")).isEqualTo("CANCELLED");
		});
		a.screenshot("my-tickets");

		// the end state through the API
		assertThat(reservation(run, first).get("state")).isEqualTo("CANCELLED");
		assertThat(reservation(run + 1, second).get("state")).isEqualTo("CONFIRMED");
		assertThat(reservation(run + 1, second).get("seatIds")).isEqualTo(List.of((int) seat));
		assertThat(balance(run)).isEqualTo(120);
		assertThat(balance(run + 1)).isZero();
		Map<?, ?> seatNow = Api.user(this.port, "fan-" + run).get().uri("/api/schedules/{id}/seats?status=SOLD", schedule)
			.exchange().expectStatus().isOk().expectBodyList(Map.class).returnResult().getResponseBody().get(0);
		assertThat(((Number) seatNow.get("id")).longValue()).isEqualTo(seat);

		for (Chromium browser : this.browsers) {
			assertThat(browser.consoleErrors()).isEmpty();
		}
	}

	private Chromium signIn(Chromium fan, long number) {
		fan.open(base() + "/");
		await().atMost(Duration.ofSeconds(10)).until(() -> !fan.all("#dev-sign-in-fan").isEmpty());
		fan.find("#dev-fan").clear();
		fan.find("#dev-fan").sendKeys(String.valueOf(number));
		fan.click("#dev-sign-in-fan");
		awaitText(fan, "#whoami", "Signed in as fan-" + number);
		return fan;
	}

	private static void awaitText(Chromium browser, String css, String text) {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(browser.text(css)).isEqualTo(text));
	}

	private String base() {
		return "http://localhost:" + this.port;
	}

	private long schedule(long concert, int rows, int seatsPerRow) {
		Instant startsAt = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
		Map<?, ?> body = Api.admin(this.port).post().uri("/api/admin/concerts/{id}/schedules", concert)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("startsAt", startsAt.toString(), "sections",
					List.of(Map.of("name", "A", "rows", rows, "seatsPerRow", seatsPerRow, "price", 120),
							Map.of("name", "B", "rows", rows, "seatsPerRow", seatsPerRow, "price", 80))))
			.exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
		return ((Number) body.get("id")).longValue();
	}

	private long firstSeat(long schedule) {
		Map<?, ?> seat = Api.admin(this.port).get().uri("/api/schedules/{id}/seats", schedule)
			.exchange().expectStatus().isOk().expectBodyList(Map.class).returnResult().getResponseBody().get(0);
		assertThat(seat.get("label")).isEqualTo("A-1-1");
		return ((Number) seat.get("id")).longValue();
	}

	private Map<?, ?> reservation(long fan, String id) {
		return Api.user(this.port, "fan-" + fan).get().uri("/api/reservations/{id}", id)
			.exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
	}

	private long balance(long fan) {
		Map<?, ?> body = Api.user(this.port, "fan-" + fan).get().uri("/api/me/points")
			.exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
		return ((Number) body.get("balance")).longValue();
	}

}
