package dev.stagedoor.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API from a page on another origin, in a real browser: headless Chromium (Debian's
 * {@code chromium} and {@code chromium-driver}, which {@code .ci/run} installs) opens a page
 * served from {@code http://127.0.0.1:<page port>}, whose script calls the API at
 * {@code http://localhost:<api port>} with {@code fetch} and a bearer token and follows the
 * queue with a native {@code EventSource} and a stream ticket. The same origin is the one
 * allowed by {@code stagedoor.web.allowed-origins}; CORS answers are also checked directly.
 */
@IntegrationTest
class BrowserIntegrationTests {

	static final HttpServer PAGES = pageServer();

	static final String PAGE_ORIGIN = "http://127.0.0.1:" + PAGES.getAddress().getPort();

	@DynamicPropertySource
	static void allowThePageOrigin(DynamicPropertyRegistry registry) {
		registry.add("stagedoor.web.allowed-origins", () -> PAGE_ORIGIN + ",https://shop.example.com");
	}

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	ChromeDriver browser;

	@BeforeEach
	void startBrowser() throws IOException {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(Path.of("/usr/bin/chromium").toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--user-data-dir=" + Files.createTempDirectory("stagedoor-chromium"));
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void stopBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@AfterAll
	static void stopPages() {
		PAGES.stop(0);
	}

	@Test
	void aPageOnAnotherOriginFollowsTheQueueFromWaitingToAdmittedWithFetchAndEventSource() {
		long concert = Concerts.create(this.port, "browser");
		Concerts.configureQueue(this.port, concert, 1, 100, 600);
		Admissions.enter(this.room, concert, "ahead-of-the-browser");
		String token = TestTokens.user("browser-fan");

		this.browser.get(PAGE_ORIGIN + "/queue.html#api=http://localhost:" + this.port + "&token=" + token
				+ "&concert=" + concert);

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(statuses()).containsExactly("WAITING"));
		assertThat(this.browser.findElement(org.openqa.selenium.By.id("entry")).getText()).isEqualTo("201 WAITING 2");
		Api.user(this.port, "ahead-of-the-browser")
			.delete()
			.uri("/api/concerts/{id}/queue", concert)
			.exchange()
			.expectStatus()
			.isNoContent();
		Admissions.step(this.room, concert);

		// WAITING 2, then (as the one ahead leaves and the admission step runs) possibly
		// WAITING 1, then ADMITTED, which ends the stream
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(statuses()).endsWith("ADMITTED"));
		List<String> statuses = statuses();
		assertThat(statuses.subList(0, statuses.size() - 1)).isNotEmpty().containsOnly("WAITING");
		assertThat(script("return window.failures")).asList().isEmpty();
		assertThat(this.browser.findElement(org.openqa.selenium.By.id("events")).getText())
			.startsWith("WAITING 2\n")
			.endsWith("\nADMITTED");
	}

	@Test
	void aPreflightFromAnAllowedOriginIsAnsweredWithoutAToken() {
		Api.anonymous(this.port)
			.options()
			.uri("/api/schedules/1/reservations")
			.header(HttpHeaders.ORIGIN, PAGE_ORIGIN)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type,queue-token,idempotency-key")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PAGE_ORIGIN)
			.expectHeader()
			.value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, allowed -> assertThat(allowed.toLowerCase())
				.contains("authorization", "content-type", "queue-token", "idempotency-key"))
			.expectHeader()
			.value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods -> assertThat(methods).contains("POST"));
		Api.anonymous(this.port)
			.options()
			.uri("/api/reservations/r-1/stream")
			.header(HttpHeaders.ORIGIN, "https://shop.example.com")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "last-event-id,if-none-match")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://shop.example.com");
	}

	@Test
	void anotherOriginGetsNoAllowOrigin() {
		Api.anonymous(this.port)
			.options()
			.uri("/api/concerts")
			.header(HttpHeaders.ORIGIN, "https://evil.example.com")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
			.exchange()
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
		Api.user(this.port, "cross-origin-fan")
			.get()
			.uri("/api/concerts")
			.header(HttpHeaders.ORIGIN, "https://evil.example.com")
			.exchange()
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
	}

	@Test
	void aCrossOriginCallWithABearerIsAllowedAndExposesTheApiHeaders() {
		long concert = Concerts.create(this.port, "cors get");
		Api.user(this.port, "cross-origin-fan")
			.get()
			.uri("/api/concerts/{id}/schedules", concert)
			.header(HttpHeaders.ORIGIN, PAGE_ORIGIN)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, PAGE_ORIGIN)
			.expectHeader()
			.value(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS,
					exposed -> assertThat(exposed).contains("ETag", "Retry-After", "Location"));
	}

	private List<String> statuses() {
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> received = (List<Map<String, Object>>) script("return window.received || []");
		return received.stream().map(view -> (String) view.get("status")).toList();
	}

	private Object script(String code) {
		return ((JavascriptExecutor) this.browser).executeScript(code);
	}

	/** Serves src/test/resources/browser/ on an origin of its own. */
	private static HttpServer pageServer() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/", exchange -> {
				String name = exchange.getRequestURI().getPath().substring(1);
				try (InputStream page = BrowserIntegrationTests.class.getResourceAsStream("/browser/" + name)) {
					if (page == null || name.contains("/")) {
						exchange.sendResponseHeaders(404, -1);
						return;
					}
					byte[] body = page.readAllBytes();
					exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
					exchange.sendResponseHeaders(200, body.length);
					exchange.getResponseBody().write(body);
				}
				finally {
					exchange.close();
				}
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
