package dev.stagedoor.warmup;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import dev.stagedoor.StagedoorApplication;
import dev.stagedoor.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance that warms up at start-up holds its readiness back until the warm-up has ended:
 * started, it answers (the warm-up's own requests go through it), but its readiness probe and
 * health say OUT_OF_SERVICE (503), so a load balancer sends it no fans yet; once the warm-up
 * ends, readiness turns UP by itself.
 */
class StartupReadinessTests {

	@Test
	void readinessStaysDownWhileTheStartUpWarmUpRunsAndTurnsUpWhenItEnds() {
		SpringApplication app = new SpringApplication(StagedoorApplication.class);
		app.addInitializers(new TestInfrastructure.Initializer(),
				// over the test infrastructure's "no warm-up"
				context -> context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("readiness-test",
						Map.of("stagedoor.warmup.duration", "4s", "stagedoor.warmup.concurrency", "4"))));
		try (ConfigurableApplicationContext context = app.run("--server.port=0",
				"--spring.application.name=readiness-test")) {
			StartupWarmup warmup = context.getBean(StartupWarmup.class);
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			WebClient client = WebClient
				.create("http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort());

			// the application is ready (run returned), the warm-up runs for 4 s
			assertThat(warmup.warming()).isTrue();
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			assertThat(status(client, "/actuator/health/readiness")).isEqualTo(503);
			assertThat(status(client, "/actuator/health/liveness")).as("alive all along").isEqualTo(200);

			await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
				assertThat(warmup.warming()).isFalse();
				assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
			});
			assertThat(status(client, "/actuator/health/readiness")).isEqualTo(200);
			assertThat(status(client, "/actuator/health")).isEqualTo(200);
		}
	}

	private static int status(WebClient client, String path) {
		return client.get()
			.uri(path)
			.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(Duration.ofSeconds(30));
	}

}
