package dev.stagedoor.inventory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.codec.ServerSentEvent;

import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.Endpoint;
import dev.stagedoor.client.StagedoorClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Creating and reading a schedule's quantity inventories through the public API. */
@IntegrationTest
class InventoryCatalogIntegrationTests {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	StagedoorClient client() {
		return StagedoorClient.on(this.port);
	}

	static String admin() {
		return TestTokens.admin("admin");
	}

	@Test
	void anAdminCreatesAnInventoryThatFansSeeWithItsCounts() {
		long schedule = schedule();
		Map<String, Object> created = client().createInventory(admin(), schedule, "Standing floor", 5000, 90, 6)
			.block(TIMEOUT)
			.expect(201)
			.body();
		assertThat(created).containsEntry("scheduleId", (int) schedule)
			.containsEntry("name", "Standing floor")
			.containsEntry("quantity", 5000)
			.containsEntry("price", 90)
			.containsEntry("maxPerUser", 6)
			.containsEntry("available", 5000)
			.containsKey("id");
		Map<String, Object> parking = client().createInventory(admin(), schedule, "Parking", 40, 15)
			.block(TIMEOUT)
			.expect(201)
			.body();
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
			ApiReply refused = client().send(Endpoint.INVENTORY_CREATE, admin(), null, body, schedule)
				.block(TIMEOUT)
				.expect(400);
			assertThat(refused.code()).isEqualTo("validation-failed");
		}
		assertThat(list(schedule)).isEmpty();
	}

	@Test
	void unknownSchedulesTakenNamesAndFansAreRefused() {
		long schedule = schedule();
		client().createInventory(admin(), schedule, "GA", 10, 10).block(TIMEOUT).expect(201);
		assertThat(client().createInventory(admin(), schedule, "GA", 99, 1).block(TIMEOUT).expect(409).code())
			.isEqualTo("inventory-name-taken");
		assertThat(client().createInventory(admin(), 999_999_999L, "GA", 10, 10).block(TIMEOUT).expect(404).code())
			.isEqualTo("schedule-not-found");
		client().createInventory(TestTokens.user("fan"), schedule, "VIP", 10, 10).block(TIMEOUT).expect(403);
		assertThat(client().inventories(TestTokens.user("fan"), 999999999L).block(TIMEOUT).expect(404).code())
			.isEqualTo("schedule-not-found");
		assertThat(list(schedule)).singleElement().satisfies(i -> assertThat(i).containsEntry("quantity", 10));
	}

	@Test
	void theStreamStartsWithASnapshot() {
		long schedule = schedule();
		client().createInventory(admin(), schedule, "GA", 7, 10).block(TIMEOUT).expect(201);
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

	private List<Map<String, Object>> list(long schedule) {
		return client().inventories(TestTokens.user("fan"), schedule).block(TIMEOUT).expect(200).objects();
	}

}
