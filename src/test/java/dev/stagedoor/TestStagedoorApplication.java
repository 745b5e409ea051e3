package dev.stagedoor;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code ./mvnw spring-boot:test-run}: Stagedoor on the test infrastructure (Testcontainers,
 * or local Redis/PostgreSQL and an in-process Kafka), with a demo concert and ready-made dev
 * tokens printed to the log. Nothing here is in the production jar.
 */
public class TestStagedoorApplication {

	private static final Logger log = LoggerFactory.getLogger(TestStagedoorApplication.class);

	public static void main(String[] args) {
		SpringApplication app = new SpringApplication(StagedoorApplication.class);
		app.addInitializers(new TestInfrastructure.Initializer());
		app.addListeners((ApplicationListener<ApplicationReadyEvent>) TestStagedoorApplication::seed);
		app.run(args);
	}

	private static void seed(ApplicationReadyEvent event) {
		int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
		String admin = TestTokens.admin("demo-admin");
		String fan = TestTokens.user("fan-1");
		WebClient.create("http://localhost:" + port)
			.post()
			.uri("/api/admin/concerts")
			.headers(h -> h.setBearerAuth(admin))
			.bodyValue(Map.of("title", "Stagedoor Demo Night", "venue", "Main Hall"))
			.retrieve()
			.bodyToMono(Map.class)
			.subscribe(concert -> log.info("""

					Stagedoor is running on http://localhost:{}  (demo concert id {})
					Dev tokens (HS256, secret stagedoor.auth.jwt-secret of the test infrastructure, valid 12 h):
					  admin (sub=demo-admin): {}
					  fan   (sub=fan-1):      {}
					Try:  curl -X POST -H "Authorization: Bearer <fan token>" http://localhost:{}/api/concerts/{}/queue
					More tokens: TestTokens.user("<id>") / TestTokens.admin("<id>") in src/test/java.
					""", port, concert.get("id"), admin, fan, port, concert.get("id")),
					ex -> log.error("Could not seed the demo concert", ex));
	}

}
