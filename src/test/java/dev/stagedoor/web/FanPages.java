package dev.stagedoor.web;

import java.time.Duration;

import dev.stagedoor.TestTokens;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.awaitility.Awaitility.await;

/** The fan's way through the web client that several browser tests start with. */
final class FanPages {

	private FanPages() {
	}

	/**
	 * Signs {@code fanId} in (the embedding site's sessionStorage token), joins the concert's
	 * waiting room from its page, lets the room admit (one admission step) and opens the
	 * schedule's seat map, waiting until it is painted.
	 */
	static void admittedOnTheSeatMap(Chromium fan, String base, String fanId, WaitingRoom room, long concert,
			long schedule) {
		fan.open(base + "/");
		fan.script("sessionStorage.setItem('stagedoor.token', arguments[0]);", TestTokens.user(fanId));
		fan.open(base + "/#/concerts/" + concert);
		fan.driver.navigate().refresh();
		fan.click("#join");
		await().atMost(Duration.ofSeconds(10)).until(() -> "WAITING".equals(fan.attribute("#queue", "data-status")));
		Admissions.step(room, concert);
		await().atMost(Duration.ofSeconds(10)).until(() -> "ADMITTED".equals(fan.attribute("#queue", "data-status")));
		fan.click("a.choose[data-schedule='" + schedule + "']");
		await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(fan.attribute("#seatmap", "data-painted")));
	}

}
