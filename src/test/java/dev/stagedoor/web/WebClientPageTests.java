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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
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
// one context for every web client test (RequestLog and ShedOnce do nothing until used)
@Import({ DevSignIn.class, RequestLog.class, ShedOnce.class })
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
		FanPages.admittedOnTheSeatMap(fan, base(), fanId, this.room, concert, schedule);
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

	@Test
	void theSeatMapWorksFromTheKeyboardArrowsMovePageKeysChangeSectionSpaceAndEnterPickAndTabReachesTheHold() {
		long concert = Concerts.create(this.port, "Keyboard");
		long schedule = schedule(concert, List.of(Map.of("name", "A", "rows", 2, "seatsPerRow", 3, "price", 100),
				Map.of("name", "B", "rows", 1, "seatsPerRow", 2, "price", 60)));
		Concerts.configureQueue(this.port, concert, 100, 100, 600);
		Map<String, Long> seats = new java.util.HashMap<>();
		for (Map<?, ?> seat : Api.admin(this.port).get().uri("/api/schedules/{id}/seats", schedule).exchange()
			.expectBodyList(Map.class).returnResult().getResponseBody()) {
			seats.put((String) seat.get("label"), ((Number) seat.get("id")).longValue());
		}
		// B-1-2 is someone else's before the fan arrives
		String other = Admissions.admit(this.room, concert, "keyboard-other");
		Api.user(this.port, "keyboard-other").post().uri("/api/schedules/{id}/reservations", schedule)
			.header("Queue-Token", other).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("seatIds", List.of(seats.get("B-1-2")))).exchange().expectStatus().isCreated();
		String fanId = "fan-" + ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
		Chromium fan = browser();
		FanPages.admittedOnTheSeatMap(fan, base(), fanId, this.room, concert, schedule);
		assertThat(fan.attribute("#seat-" + seats.get("B-1-2"), "data-status")).isEqualTo("HELD");
		assertThat(fan.attribute("#seatmap", "aria-activedescendant")).isNull();
		WebElement map = fan.find("#seatmap");

		// focus lands on the first seat; the arrows move within the section's grid and stop at its edges
		map.sendKeys(Keys.ARROW_RIGHT);
		assertOnSeat(fan, seats.get("A-1-2"), "A row 1 seat 2, available, 100 points");
		map.sendKeys(Keys.ARROW_DOWN);
		assertOnSeat(fan, seats.get("A-2-2"), "A row 2 seat 2, available, 100 points");
		map.sendKeys(Keys.ARROW_RIGHT);
		map.sendKeys(Keys.ARROW_RIGHT);
		assertOnSeat(fan, seats.get("A-2-3"), "A row 2 seat 3, available, 100 points");
		map.sendKeys(Keys.ARROW_DOWN);
		assertOnSeat(fan, seats.get("A-2-3"), "A row 2 seat 3, available, 100 points");
		map.sendKeys(Keys.ARROW_UP);
		assertOnSeat(fan, seats.get("A-1-3"), "A row 1 seat 3, available, 100 points");
		map.sendKeys(Keys.ARROW_LEFT);
		map.sendKeys(Keys.ARROW_LEFT);
		map.sendKeys(Keys.ARROW_LEFT);
		assertOnSeat(fan, seats.get("A-1-1"), "A row 1 seat 1, available, 100 points");
		map.sendKeys(Keys.ARROW_UP);
		assertOnSeat(fan, seats.get("A-1-1"), "A row 1 seat 1, available, 100 points");
		// Page Down: the next section; a held seat cannot be picked
		map.sendKeys(Keys.PAGE_DOWN);
		assertOnSeat(fan, seats.get("B-1-1"), "B row 1 seat 1, available, 60 points");
		map.sendKeys(Keys.ARROW_RIGHT);
		assertOnSeat(fan, seats.get("B-1-2"), "B row 1 seat 2, held, 60 points");
		map.sendKeys(Keys.ENTER);
		assertThat(fan.attribute("#seat-" + seats.get("B-1-2"), "aria-selected")).isEqualTo("false");
		assertThat(fan.find("#live").getDomProperty("textContent")).isEqualTo("B-1-2 is held and cannot be picked.");
		assertThat(fan.text("#selection")).isEqualTo("Pick up to 4 seats.");
		assertThat(fan.find("#hold").isEnabled()).isFalse();
		// Page Up, then Enter and Space pick; Space again unpicks
		map.sendKeys(Keys.PAGE_UP);
		assertOnSeat(fan, seats.get("A-1-1"), "A row 1 seat 1, available, 100 points");
		map.sendKeys(Keys.ARROW_DOWN);
		map.sendKeys(Keys.ENTER);
		assertOnSeat(fan, seats.get("A-2-1"), "A row 2 seat 1, available, 100 points, picked");
		assertThat(fan.attribute("#seat-" + seats.get("A-2-1"), "aria-selected")).isEqualTo("true");
		assertThat(fan.text("#selection")).isEqualTo("Picked: A-2-1 (100 points)");
		map.sendKeys(Keys.ARROW_RIGHT);
		map.sendKeys(Keys.SPACE);
		assertOnSeat(fan, seats.get("A-2-2"), "A row 2 seat 2, available, 100 points, picked");
		assertThat(fan.text("#selection")).isEqualTo("Picked: A-2-1, A-2-2 (200 points)");
		map.sendKeys(Keys.SPACE);
		assertOnSeat(fan, seats.get("A-2-2"), "A row 2 seat 2, available, 100 points");
		assertThat(fan.attribute("#seat-" + seats.get("A-2-2"), "aria-selected")).isEqualTo("false");
		assertThat(fan.text("#selection")).isEqualTo("Picked: A-2-1 (100 points)");
		// the keys did not scroll the page (Space and the arrows are the map's)
		assertThat(((Number) fan.script("return window.scrollY;")).intValue()).isZero();

		// Tab leaves the map for the hold button; Enter holds what was picked
		map.sendKeys(Keys.TAB);
		assertThat(fan.script("return document.activeElement.id;")).isEqualTo("hold");
		fan.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
		await().atMost(Duration.ofSeconds(10)).until(() -> "HELD".equals(fan.attribute("#reservation", "data-state")));
		Map<?, ?> held = Api.user(this.port, fanId).get().uri("/api/reservations/{id}", fan.attribute("#reservation", "data-reservation"))
			.exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
		assertThat(held.get("seatIds")).isEqualTo(List.of(seats.get("A-2-1").intValue()));
		assertThat(held.get("state")).isEqualTo("HELD");
		await().atMost(Duration.ofSeconds(5)).until(() -> "HELD".equals(fan.attribute("#seat-" + seats.get("A-2-1"), "data-status")));
		fan.screenshot("seat-map-keyboard");
		assertThat(fan.consoleErrors()).isEmpty();
	}

	@Test
	void aKeyboardUserWhoFocusesTheMapBeforeItsSeatsArriveCanStillMoveAndPick() {
		long concert = Concerts.create(this.port, "Keyboard early");
		long schedule = schedule(concert, List.of(Map.of("name", "A", "rows", 1, "seatsPerRow", 3, "price", 100)));
		List<Long> seats = Api.admin(this.port).get().uri("/api/schedules/{id}/seats", schedule).exchange()
			.expectBodyList(Map.class).returnResult().getResponseBody().stream()
			.map(seat -> ((Number) seat.get("id")).longValue())
			.toList();
		Chromium fan = browser();
		fan.open(base() + "/");
		fan.script("sessionStorage.setItem('stagedoor.token', arguments[0]);", TestTokens.user("keyboard-early"));
		// the browser refuses the seat stream for now: the map is there, its seats are not
		fan.driver.executeCdpCommand("Network.enable", Map.of());
		fan.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/seats/stream*")));
		fan.open(base() + "/#/schedules/" + schedule);
		await().atMost(Duration.ofSeconds(10)).until(() -> !fan.all("#seatmap").isEmpty());
		WebElement map = fan.find("#seatmap");
		map.sendKeys(Keys.ARROW_RIGHT);
		assertThat(fan.script("return document.activeElement.id;")).isEqualTo("seatmap");
		assertThat(fan.attribute("#seatmap", "data-seats")).isNull();
		assertThat(fan.attribute("#seatmap", "aria-activedescendant")).isNull();

		// the stream gets through (the page keeps retrying); the focus never left the map
		fan.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
		await().atMost(Duration.ofSeconds(20)).until(() -> "true".equals(fan.attribute("#seatmap", "data-painted")));
		assertThat(fan.script("return document.activeElement.id;")).isEqualTo("seatmap");
		// the first key lands on the first seat, the next ones move and pick as usual
		map.sendKeys(Keys.ARROW_RIGHT);
		assertOnSeat(fan, seats.get(0), "A row 1 seat 1, available, 100 points");
		map.sendKeys(Keys.ARROW_RIGHT);
		assertOnSeat(fan, seats.get(1), "A row 1 seat 2, available, 100 points");
		map.sendKeys(Keys.SPACE);
		assertThat(fan.attribute("#seat-" + seats.get(1), "aria-selected")).isEqualTo("true");
		assertThat(fan.text("#selection")).isEqualTo("Picked: A-1-2 (100 points)");
		// the only console entries are the refused stream requests
		assertThat(fan.consoleErrors()).allSatisfy(entry -> assertThat(entry).contains("/seats/stream?ticket=")
			.doesNotContain("Uncaught"));
	}

	/**
	 * The map has the focus and its active seat is {@code seat}: aria-activedescendant names it,
	 * it alone is marked active, its aria-label describes it and the live region said so.
	 */
	private static void assertOnSeat(Chromium fan, long seat, String description) {
		Map<?, ?> state = (Map<?, ?>) fan.script("""
				const map = document.getElementById('seatmap');
				const id = map.getAttribute('aria-activedescendant');
				const seat = id && document.getElementById(id);
				return { focused: document.activeElement === map, active: id,
				  marked: [...map.querySelectorAll('rect.active')].map(r => r.id),
				  role: seat ? seat.getAttribute('role') : null, label: seat ? seat.getAttribute('aria-label') : null,
				  live: document.getElementById('live').textContent };
				""");
		assertThat(state.get("focused")).isEqualTo(true);
		assertThat(state.get("active")).isEqualTo("seat-" + seat);
		assertThat(state.get("marked")).isEqualTo(List.of("seat-" + seat));
		assertThat(state.get("role")).isEqualTo("option");
		assertThat(state.get("label")).isEqualTo(description);
		assertThat(state.get("live")).isEqualTo(description);
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
