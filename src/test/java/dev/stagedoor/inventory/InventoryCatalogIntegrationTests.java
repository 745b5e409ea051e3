package dev.stagedoor.inventory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Creating and reading a schedule's quantity inventories through the public API. */
@IntegrationTest
class InventoryCatalogIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void anAdminCreatesAnInventoryThatFansSeeWithItsCounts() {
		long schedule = schedule();
		Map<String, Object> created = create(schedule, Map.of("name", "Standing floor", "quantity", 5000, "price", 90,
				"maxPerUser", 6));
		assertThat(created).containsEntry("scheduleId", (int) schedule)
			.containsEntry("name", "Standing floor")
			.containsEntry("quantity", 5000)
			.containsEntry("price", 90)
			.containsEntry("maxPerUser", 6)
			.containsEntry("available", 5000)
			.containsKey("id");
		Map<String, Object> parking = create(schedule, Map.of("name", "Parking", "quantity", 40, "price", 15));
		assertThat(parking).as("maxPerUser defaults to stagedoor.hold.max-seats-per-user").containsEntry("maxPerUser", 4);

		List<Map<String, Object>> listed = list(schedule);
		assertThat(listed).extracting(i -> i.get("name")).containsExactly("Standing floor", "Parking");
		assertThat(listed.get(0)).containsEntry("id", created.get("id"))
			.containsEntry("available", 5000)
			.containsEntry("held", 0)
			.containsEntry("sold", 0)
			.containsEntry("price", 90)
			.containsEntry("maxPerUser", 6);
	}

	@Test
	void invalidInventoriesAreRefusedAndCreateNothing() {
		long schedule = schedule();
		for (String body : List.of("{\"name\":\"GA\",\"quantity\":0,\"price\":10}",
				"{\"name\":\"GA\",\"quantity\":1000001,\"price\":10}", "{\"name\":\"\",\"quantity\":10,\"price\":10}",
				"{\"name\":\"GA\",\"quantity\":10,\"price\":-1}", "{\"name\":\"GA\",\"quantity\":10}",
				"{\"name\":\"GA\",\"quantity\":10,\"price\":10,\"maxPerUser\":0}")) {
			Api.admin(this.port)
				.post()
				.uri("/api/admin/schedules/{id}/inventories", schedule)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body)
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.code")
				.isEqualTo("validation-failed");
		}
		assertThat(list(schedule)).isEmpty();
	}

	@Test
	void unknownSchedulesTakenNamesAndFansAreRefused() {
		long schedule = schedule();
		create(schedule, Map.of("name", "GA", "quantity", 10, "price", 10));
		post(Api.admin(this.port), schedule, Map.of("name", "GA", "quantity", 99, "price", 1)).expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("inventory-name-taken");
		post(Api.admin(this.port), 999_999_999L, Map.of("name", "GA", "quantity", 10, "price", 10)).expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("schedule-not-found");
		post(Api.user(this.port, "fan"), schedule, Map.of("name", "VIP", "quantity", 10, "price", 10)).expectStatus()
			.isForbidden();
		Api.user(this.port, "fan")
			.get()
			.uri("/api/schedules/999999999/inventories")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("schedule-not-found");
		assertThat(list(schedule)).singleElement().satisfies(i -> assertThat(i).containsEntry("quantity", 10));
	}

	@Test
	void theStreamStartsWithASnapshot() {
		long schedule = schedule();
		create(schedule, Map.of("name", "GA", "quantity", 7, "price", 10));
		ServerSentEvent<List<Map<String, Object>>> first = StagedoorClient.on(this.port)
			.inventoryEvents(TestTokens.user("watcher"), schedule)
			.filter(event -> event.event() != null)
			.blockFirst(Duration.ofSeconds(20));
		assertThat(first.event()).isEqualTo("snapshot");
		assertThat(first.data()).singleElement()
			.satisfies(i -> assertThat(i).containsEntry("name", "GA").containsEntry("available", 7));
	}

	private long schedule() {
		return Drops.schedule(this.port, Concerts.create(this.port, "inventories"), 1, 4, null);
	}

	private Map<String, Object> create(long schedule, Map<String, Object> body) {
		return post(Api.admin(this.port), schedule, body).expectStatus()
			.isCreated()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	private static WebTestClient.ResponseSpec post(WebTestClient client, long schedule, Map<String, Object> body) {
		return client.post()
			.uri("/api/admin/schedules/{id}/inventories", schedule)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	private List<Map<String, Object>> list(long schedule) {
		return Api.user(this.port, "fan")
			.get()
			.uri("/api/schedules/{id}/inventories", schedule)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult()
			.getResponseBody();
	}

}
