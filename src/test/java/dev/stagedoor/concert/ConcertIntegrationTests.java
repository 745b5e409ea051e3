package dev.stagedoor.concert;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class ConcertIntegrationTests {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Test
	void adminCreatesConcertAndEveryoneSeesIt() {
		StagedoorClient client = StagedoorClient.on(this.port);
		Concert created = concert(
				client.createConcert(TestTokens.admin("admin"), "  Night Drive ", "Hall A").block(TIMEOUT).expect(201).body());
		assertThat(created.title()).isEqualTo("Night Drive");
		assertThat(created.venue()).isEqualTo("Hall A");
		assertThat(created.id()).isPositive();

		List<Concert> listed = client.concerts(TestTokens.user("fan"))
			.block(TIMEOUT)
			.expect(200)
			.objects()
			.stream()
			.map(ConcertIntegrationTests::concert)
			.toList();
		assertThat(listed).contains(created);
	}

	private static Concert concert(Map<String, Object> json) {
		return new Concert(((Number) json.get("id")).longValue(), (String) json.get("title"), (String) json.get("venue"));
	}

}
