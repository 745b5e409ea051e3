package dev.stagedoor.web;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.stagedoor.Api;
import dev.stagedoor.IntegrationTest;

import static dev.stagedoor.web.ApiErrorsIntegrationTests.expectProblem;

/**
 * {@code /actuator/health}: the status for anyone (load balancers, smoke tests), the
 * components and their details (disk path, Redis version, the relay and cancellation
 * components) only for a bearer token with the admin role; the probes stay public.
 */
@IntegrationTest
class HealthEndpointIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void anonymousCallersAndFansSeeOnlyTheStatus() {
		for (WebTestClient client : List.of(Api.anonymous(this.port), Api.user(this.port, "curious-fan"))) {
			client.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status").isEqualTo("UP")
				.jsonPath("$.components").doesNotExist()
				.jsonPath("$.details").doesNotExist();
			// a component's own path is not there for them at all
			client.get().uri("/actuator/health/redis").exchange().expectStatus().isNotFound();
		}
	}

	@Test
	void adminsSeeEveryComponentWithItsDetails() {
		Api.admin(this.port)
			.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status").isEqualTo("UP")
			.jsonPath("$.components.redis.details.version").isNotEmpty()
			.jsonPath("$.components.diskSpace.details.path").isNotEmpty()
			.jsonPath("$.components.outboxRelay.status").isEqualTo("UP")
			.jsonPath("$.components.cancellations.status").isEqualTo("UP");
		Api.admin(this.port)
			.get()
			.uri("/actuator/health/redis")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.details.version").isNotEmpty();
	}

	@Test
	void probesArePublic() {
		for (String probe : new String[] { "liveness", "readiness" }) {
			Api.anonymous(this.port)
				.get()
				.uri("/actuator/health/{probe}", probe)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status").isEqualTo("UP");
		}
	}

	@Test
	void anInvalidBearerTokenIsRefusedEvenHere() {
		expectProblem(Api.as(this.port, "garbage").get().uri("/actuator/health").exchange(), 401, "unauthorized");
	}

}
