package dev.stagedoor.concert;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import dev.stagedoor.Api;
import dev.stagedoor.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class ConcertIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void adminCreatesConcertAndEveryoneSeesIt() {
		Concert created = Api.admin(this.port)
			.post()
			.uri("/api/admin/concerts")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\":\"  Night Drive \",\"venue\":\"Hall A\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Concert.class)
			.returnResult()
			.getResponseBody();
		assertThat(created.title()).isEqualTo("Night Drive");
		assertThat(created.venue()).isEqualTo("Hall A");
		assertThat(created.id()).isPositive();

		Api.user(this.port, "fan")
			.get()
			.uri("/api/concerts")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.OK)
			.expectBodyList(Concert.class)
			.value(list -> assertThat(list).contains(created));
	}

}
