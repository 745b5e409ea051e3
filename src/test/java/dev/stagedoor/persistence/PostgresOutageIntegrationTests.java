package dev.stagedoor.persistence;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TcpProxy;
import dev.stagedoor.TestInfrastructure;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.HoldingClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The persistence consumer when PostgreSQL is unreachable: this context reaches PostgreSQL
 * through a proxy that can cut every connection.
 */
@IntegrationTest
// its own settings or infrastructure: closed after the class so its background jobs never
// run next to the shared context's
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PostgresOutageIntegrationTests {

	static TcpProxy postgres = proxy();

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	DatabaseClient db;

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		String url = (String) TestInfrastructure.properties().get("spring.r2dbc.url");
		registry.add("spring.r2dbc.url", () -> url.replaceFirst("//[^/]+/", "//127.0.0.1:" + postgres.port() + "/"));
	}

	@AfterAll
	static void stop() throws IOException {
		postgres.close();
	}

	@Test
	void eventsFlowingWhilePostgresIsUnreachableArePersistedOnceWhenItReturns() {
		Drop drop = Drops.create(this.port, "postgres outage", 5, 10);
		List<String> fans = IntStream.rangeClosed(1, 50).mapToObj(i -> "pg-outage-" + i).toList();
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), fans);
		HoldingClient holding = new HoldingClient(this.port);

		postgres.cut();
		try {
			for (int i = 0; i < fans.size(); i++) {
				holding.hold(drop.scheduleId(), fans.get(i), tokens.get(fans.get(i)), List.of(drop.seatIds().get(i)));
			}
			// the events reach the consumer, which cannot write them and retries
			await().atMost(Duration.ofSeconds(30)).until(() -> relayedEverything(drop));
			// a call that needs PostgreSQL is refused as unavailable (retry later), not an internal error
			ApiReply unavailable = StagedoorClient.on(this.port)
				.points(TestTokens.user(fans.get(0)))
				.block(Duration.ofSeconds(30))
				.expect(503);
			assertThat(unavailable.headers().get("Retry-After")).containsExactly("1");
			assertThat(unavailable.code()).isEqualTo("unavailable");
		}
		finally {
			postgres.restore();
		}

		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(count("SELECT count(*) AS n FROM reservation WHERE schedule_id = :s",
					drop.scheduleId())).isEqualTo(50));
		assertThat(count("""
				SELECT count(*) AS n FROM reservation_event e JOIN reservation r ON r.id = e.reservation_id
				WHERE r.schedule_id = :s""", drop.scheduleId())).isEqualTo(50);
	}

	@Autowired
	dev.stagedoor.events.OutboxRelay relay;

	private boolean relayedEverything(Drop drop) {
		return this.relay.backlog(drop.scheduleId()).block() == 0;
	}

	private long count(String sql, long schedule) {
		return (Long) this.db.sql(sql).bind("s", schedule).fetch().one().block().get("n");
	}

	private static TcpProxy proxy() {
		try {
			return new TcpProxy("127.0.0.1", 5432);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
