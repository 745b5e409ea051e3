package dev.stagedoor.web;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.DevSignIn;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.limits.EndpointClass;
import dev.stagedoor.limits.Refusals;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web client's pages one by one, in headless Chromium: a 20,000-seat schedule drawn from
 * the real seat stream and a burst of 1,000 seat changes, timed in the browser with the
 * Performance API (budgets in the README, "Web client"); a seat taken by someone else between
 * the fan's last map update and the hold (409 {@code seat-unavailable} shown as a sentence, the
 * seat flashes and is deselected); a waiting place that is gone; the dashboard's forms; and the
 * static files served without a token.
 */
@IntegrationTest
@Import(DevSignIn.class)
class WebClientPageTests {

	private static final Logger log = LoggerFactory.getLogger(WebClientPageTests.class);

	/** Budgets, loose enough for a busy 2-core VM (measured figures: README). */
	static final double FIRST_PAINT_BUDGET_MS = 5_000;

	static final double BURST_BUDGET_MS = 1_000;

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	Refusals refusals;

	final List<Chromium> browsers = new ArrayList<>();

	@AfterEach
	void closeBrowsers() {
		this.browsers.forEach(Chromium::close);
	}

	@Test
	void twentyThousandSeatsPaintAndAThousandChangesApplyWithinTheBudgets() {
		long concert = Concerts.create(this.port, "Seat map performance");
		// 10 sections of 20 rows x 100 seats: 20,000, the most a schedule may have
		List<Map<String, Object>> sections = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			sections.add(Map.of("name", "S" + i, "rows", 20, "seatsPerRow", 100, "price", 50));
		}
		long schedule = schedule(concert, sections);
		Chromium fan = browser();
		fan.open(base() + "/");
		fan.script("sessionStorage.setItem('stagedoor.token', arguments[0]);", TestTokens.user("perf-fan"));
		fan.open(base() + "/#/schedules/" + schedule);
		// a fresh page load, so "after navigation" counts the whole way: page, snapshot, paint
		fan.driver.navigate().refresh();
		await().atMost(Duration.ofSeconds(30)).until(() -> "true".equals(fan.attribute("#seatmap", "data-painted")));
		assertThat(fan.attribute("#seatmap", "data-seats")).isEqualTo("20000");
		assertThat(((Number) fan.script("return document.querySelectorAll('#seatmap rect').length")).intValue()).isEqualTo(20_000);

		Map<?, ?> burst = (Map<?, ?>) fan.driver.executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				const map = window.stagedoorSeatMap;
				const ids = [...map.seats.keys()];
				const changes = [];
				for (let i = 0; i < 1000; i++) {
				  changes.push({ id: ids[(i * 20) % ids.length], status: i % 2 ? 'HELD' : 'SOLD' });
				}
				performance.mark('burst-start');
				map.apply(changes);
				requestAnimationFrame(() => setTimeout(() => {
				  performance.mark('burst-painted');
				  const burst = performance.measure('burst', 'burst-start', 'burst-painted').duration;
				  const last = (name) => performance.getEntriesByName(name).pop().duration;
				  done({ render: last('seatmap-render'), firstPaint: last('seatmap-first-paint'),
				    apply: last('seatmap-apply'), burst,
				    fromNavigation: performance.getEntriesByName('seatmap-painted')[0].startTime,
				    held: document.querySelectorAll('#seatmap rect[data-status=HELD]').length,
				    sold: document.querySelectorAll('#seatmap rect[data-status=SOLD]').length });
				}, 0));
				""");
		log.info("Seat map of 20,000 seats: build {} ms, first paint {} ms after the snapshot arrived ({} ms after navigation); "
				+ "burst of 1,000 changes: applied in {} ms, painted after {} ms", round(burst.get("render")),
				round(burst.get("firstPaint")), round(burst.get("fromNavigation")), round(burst.get("apply")),
				round(burst.get("burst")));
		assertThat(((Number) burst.get("held")).intValue()).isEqualTo(500);
		assertThat(((Number) burst.get("sold")).intValue()).isEqualTo(500);
		assertThat(((Number) burst.get("firstPaint")).doubleValue()).isLessThan(FIRST_PAINT_BUDGET_MS);
		assertThat(((Number) burst.get("burst")).doubleValue()).isLessThan(BURST_BUDGET_MS);
		fan.screenshot("seat-map-20000");
		assertThat(fan.consoleErrors()).isEmpty();
	}

	@Test
	void aSeatTakenBeforeTheMapShowedItFlashesIsDeselectedAndTheFanIsTold() {
		long concert = Concerts.create(this.port, "Seat taken");
		long schedule = schedule(concert, List.of(Map.of("name", "A", "rows", 2, "seatsPerRow", 5, "price", 100)));
		Concerts.configureQueue(this.port, concert, 100, 100, 600);
		String fanId = "fan-" + ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
		Chromium fan = browser();
		fan.open(base() + "/");
		fan.script("sessionStorage.setItem('stagedoor.token', arguments[0]);", TestTokens.user(fanId));
		fan.open(base() + "/#/concerts/" + concert);
		fan.driver.navigate().refresh();
		fan.click("#join");
		await().atMost(Duration.ofSeconds(10)).until(() -> "WAITING".equals(fan.attribute("#queue", "data-status")));
		Admissions.step(this.room, concert);
		await().atMost(Duration.ofSeconds(10)).until(() -> "ADMITTED".equals(fan.attribute("#queue", "data-status")));
		fan.click("a.choose[data-schedule='" + schedule + "']");
		await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(fan.attribute("#seatmap", "data-painted")));
		long seat = ((Number) Api.admin(this.port).get().uri("/api/schedules/{id}/seats", schedule).exchange()
			.expectBodyList(Map.class).returnResult().getResponseBody().get(0).get("id")).longValue();

		// someone else holds it; the fan's map still shows it AVAILABLE, as when the stream's
		// next update has not arrived yet (the stream itself would correct it within 250 ms)
		String other = Admissions.admit(this.room, concert, "seat-taker");
		Api.user(this.port, "seat-taker").post().uri("/api/schedules/{id}/reservations", schedule)
			.header("Queue-Token", other).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("seatIds", List.of(seat))).exchange().expectStatus().isCreated();
		await().atMost(Duration.ofSeconds(5)).until(() -> "HELD".equals(fan.attribute("#seat-" + seat, "data-status")));
		fan.script("window.stagedoorSeatMap.apply([{ id: arguments[0], status: 'AVAILABLE' }]);", seat);
		fan.click("#seat-" + seat);
		assertThat(fan.attribute("#seat-" + seat, "aria-selected")).isEqualTo("true");
		fan.click("#hold");

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fan.attribute("#notice", "data-code")).isEqualTo("seat-unavailable"));
		assertThat(fan.text("#notice")).isEqualTo("Sorry, someone else was faster: some of your seats were just taken.");
		assertThat(fan.attribute("#seat-" + seat, "class")).contains("flash");
		assertThat(fan.attribute("#seat-" + seat, "aria-selected")).isEqualTo("false");
		assertThat(fan.text("#selection")).isEqualTo("Pick up to 4 seats.");
		assertThat(fan.find("#hold").isEnabled()).isFalse();
		fan.screenshot("seat-taken");
		// the only console entry is the browser's note of that 409 answer
		assertThat(fan.consoleErrors()).singleElement().asString()
			.contains("/api/schedules/" + schedule + "/reservations").contains("409");
	}

	@Test
	void whenThePlaceInTheWaitingRoomIsGoneThePageSaysSoAndOffersToJoinAgain() {
		long concert = Concerts.create(this.port, "Lapsing place");
		Concerts.configureQueue(this.port, concert, 1, 100, 600);
		Admissions.admit(this.room, concert, "lapse-ahead");
		String fanId = "fan-" + ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
		Chromium fan = browser();
		fan.open(base() + "/");
		fan.script("sessionStorage.setItem('stagedoor.token', arguments[0]);", TestTokens.user(fanId));
		fan.open(base() + "/#/concerts/" + concert);
		fan.driver.navigate().refresh();
		fan.click("#join");
		await().atMost(Duration.ofSeconds(10)).until(() -> "WAITING".equals(fan.attribute("#queue", "data-status")));
		// the page follows its place (data-live: its stream is open)
		await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(fan.attribute("#queue", "data-live")));
		// the place goes (as when it lapses unseen); the stream ends, the page asks once and learns it
		Api.user(this.port, fanId).delete().uri("/api/concerts/{id}/queue", concert).exchange().expectStatus().isNoContent();
		await().atMost(Duration.ofSeconds(10)).until(() -> "LAPSED".equals(fan.attribute("#queue", "data-status")));
		assertThat(fan.text("#queue-status")).isEqualTo("Your place in the waiting room has lapsed. Join again to get a new place (at the back).");
		assertThat(fan.find("#join").isDisplayed()).isTrue();
		assertThat(fan.find("#leave").isDisplayed()).isFalse();
		fan.click("#join");
		await().atMost(Duration.ofSeconds(10)).until(() -> "WAITING".equals(fan.attribute("#queue", "data-status")));
		assertThat(fan.text("#queue-position")).isEqualTo("1");
		// the browser notes the one 404 that told the page the place was gone
		assertThat(fan.consoleErrors()).singleElement().asString().contains("/api/concerts/" + concert + "/queue").contains("404");
	}

	@Test
	void anAdminCreatesAConcertAndAScheduleAndChangesTheQueueFromTheDashboard() {
		Chromium admin = browser();
		admin.open(base() + "/admin/");
		admin.click("#dev-sign-in-admin");
		await().atMost(Duration.ofSeconds(10)).until(() -> !admin.all("#new-concert").isEmpty());
		String title = "Dashboard concert " + ThreadLocalRandom.current().nextInt(1_000_000);
		admin.find("#new-concert input[name=title]").sendKeys(title);
		admin.find("#new-concert input[name=venue]").sendKeys("Dashboard Hall");
		admin.click("#new-concert button");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.text("#concert option:checked")).startsWith(title));
		long concert = Long.parseLong(admin.attribute("#concert option:checked", "value"));
		admin.click("#new-schedule button");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.text("#notice")).isEqualTo("Schedule created."));
		// the stream picks the new schedule up: 300 seats, all available
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(admin.text("#schedule-stats tbody tr td.available")).isEqualTo("300"));
		// a fair-play refusal on this instance shows in the breakdown with the next figures
		this.refusals.count(EndpointClass.HOLDS, Refusals.Reason.HOLD_COOLDOWN);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
				admin.text("#refusal-breakdown tr[data-refusal='holds/hold-cooldown'] td.total")).matches("[1-9][0-9]*"));
		assertThat(admin.all("#stat-refused, #stat-shed")).hasSize(2);
		admin.find("#queue-settings input[name=maxActive]").clear();
		admin.find("#queue-settings input[name=maxActive]").sendKeys("250");
		admin.click("#queue-settings button");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.text("#notice")).isEqualTo("Queue settings saved."));
		Map<?, ?> settings = Api.admin(this.port).get().uri("/api/admin/concerts/{id}/queue", concert).exchange()
			.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
		assertThat(settings.get("maxActive")).isEqualTo(250);
		List<Map> schedules = Api.admin(this.port).get().uri("/api/concerts/{id}/schedules", concert).exchange()
			.expectStatus().isOk().expectBodyList(Map.class).returnResult().getResponseBody();
		assertThat(schedules).singleElement().satisfies(s -> assertThat(s.get("seatCount")).isEqualTo(300));
		assertThat(admin.consoleErrors()).isEmpty();
	}

	@Test
	void thePagesAreServedWithoutATokenAndTheApiStillNeedsOne() {
		for (String page : List.of("/", "/admin/", "/admin", "/js/app.js", "/js/seatmap.js", "/css/stagedoor.css")) {
			Api.anonymous(this.port).get().uri(page).exchange().expectStatus().isOk();
		}
		Api.anonymous(this.port).get().uri("/admin/").exchange().expectBody(String.class)
			.value(html -> assertThat(html).contains("/js/admin.js"));
		Api.anonymous(this.port).get().uri("/api/concerts").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void aFanOnTheWaitingListSeesThePlaceThenTheOfferHeldForThem() {
		long concert = Concerts.create(this.port, "Sold out");
		long schedule = schedule(concert, List.of(Map.of("name", "A", "rows", 1, "seatsPerRow", 1, "price", 100)));
		Concerts.configureQueue(this.port, concert, 100, 100, 600);
		long seat = ((Number) Api.admin(this.port).get().uri("/api/schedules/{id}/seats", schedule).exchange()
			.expectBodyList(Map.class).returnResult().getResponseBody().get(0).get("id")).longValue();
		String holder = "holder-" + ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
		String token = Admissions.admit(this.room, concert, holder);
		Map<?, ?> held = Api.user(this.port, holder).post().uri("/api/schedules/{id}/reservations", schedule)
			.header("Queue-Token", token).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("seatIds", List.of(seat))).exchange().expectStatus().isCreated()
			.expectBody(Map.class).returnResult().getResponseBody();

		String fanId = "fan-" + ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
		Chromium fan = browser();
		fan.open(base() + "/");
		fan.script("sessionStorage.setItem('stagedoor.token', arguments[0]);", TestTokens.user(fanId));
		fan.open(base() + "/#/schedules/" + schedule);
		fan.driver.navigate().refresh();
		await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(fan.attribute("#seatmap", "data-painted")));
		fan.click("#join-waiting-list");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(fan.text("#waiting-list")).isEqualTo("Waiting list: you are number 1 of 1."));

		Api.user(this.port, holder).post().uri("/api/reservations/{id}/cancellation", held.get("id")).exchange()
			.expectStatus().isOk();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fan.attribute("#reservation", "data-state"))
			.isEqualTo("HELD"));
		assertThat(fan.text("#waiting-list")).isEqualTo("Seats came back and are held for you: pay before the offer ends.");
		String offer = fan.attribute("#reservation", "data-reservation");
		assertThat(Api.user(this.port, fanId).get().uri("/api/reservations/{id}", offer).exchange()
			.expectBody(Map.class).returnResult().getResponseBody()).containsEntry("offer", true).containsEntry("userId", fanId);
		fan.screenshot("waiting-list-offer");
		assertThat(fan.consoleErrors()).isEmpty();
	}

	private Chromium browser() {
		Chromium browser = new Chromium(1280, 900);
		this.browsers.add(browser);
		return browser;
	}

	private String base() {
		return "http://localhost:" + this.port;
	}

	private long schedule(long concert, List<Map<String, Object>> sections) {
		Instant startsAt = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
		Map<?, ?> body = Api.admin(this.port).post().uri("/api/admin/concerts/{id}/schedules", concert)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("startsAt", startsAt.toString(), "sections", sections))
			.exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
		return ((Number) body.get("id")).longValue();
	}

	private static long round(Object millis) {
		return Math.round(((Number) millis).doubleValue());
	}

}
