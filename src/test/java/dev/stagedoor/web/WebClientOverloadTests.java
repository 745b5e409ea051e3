package dev.stagedoor.web;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.DevSignIn;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web client, in headless Chromium, when the service sheds its requests (503
 * {@code overloaded} with {@code Retry-After}, injected by {@link ShedOnce} exactly as the load
 * shedder answers): the page sends them again after Retry-After and goes on as if nothing had
 * happened — the concert list still shows, and joining the waiting room still takes one place.
 */
@IntegrationTest
// one context for every web client test (RequestLog and ShedOnce do nothing until used)
@Import({ DevSignIn.class, RequestLog.class, ShedOnce.class })
class WebClientOverloadTests {

	@LocalServerPort
	int port;

	@Autowired
	ShedOnce shed;

	Chromium fan;

	@AfterEach
	void close() {
		if (this.fan != null) {
			this.fan.close();
		}
	}

	@Test
	void requestsTheServiceShedIsSentAgainAfterRetryAfterAndThePageGoesOn() {
		long concert = Concerts.create(this.port, "Shed but served");
		String base = "http://localhost:" + this.port;
		this.fan = new Chromium(1280, 900);
		this.fan.open(base + "/");
		this.fan.script("sessionStorage.setItem('stagedoor.token', arguments[0]);", TestTokens.user("shed-fan"));

		// the concert list is shed twice, then answered
		this.shed.arm("GET", "/api/concerts", 2);
		this.fan.driver.navigate().refresh();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> !this.fan.all("#concerts a[data-concert='" + concert + "']").isEmpty());
		assertThat(this.shed.seen("GET", "/api/concerts")).as("two shed, the third answered").isEqualTo(3);
		assertThat(this.fan.attribute("main", "data-ready")).isEqualTo("true");

		// joining the waiting room is shed once, then taken: one place
		String queue = "/api/concerts/" + concert + "/queue";
		this.shed.arm("POST", queue, 1);
		this.fan.click("#concerts a[data-concert='" + concert + "']");
		this.fan.click("#join");
		await().atMost(Duration.ofSeconds(20)).until(() -> "WAITING".equals(this.fan.attribute("#queue", "data-status")));
		assertThat(this.shed.seen("POST", queue)).as("one shed, the second taken").isEqualTo(2);
		assertThat(Api.admin(this.port).get().uri("/api/admin/concerts/{id}/queue", concert).exchange()
			.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("waiting")).isEqualTo(1);
	}

}
