package dev.stagedoor;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stagedoor.Drops.Drop;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.HoldingClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator can follow a sale in the log: one INFO line per business outcome, each with the
 * reservation and the user, and none for queue polls.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class SaleLogIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Test
	void everyOutcomeOfASaleIsOneLineNamingTheReservationAndTheUser(CapturedOutput output) {
		Drop drop = Drops.create(this.port, "sale log", 1, 2);
		String user = "logged-" + UUID.randomUUID();
		Fans fans = new Fans(this.port);

		StagedoorClient client = StagedoorClient.on(this.port);
		ApiReply entered = client.enterQueue(TestTokens.user(user), drop.concertId()).block(Concerts.TIMEOUT);
		assertThat(entered.status()).as("%s", entered).isBetween(200, 299);
		for (int i = 0; i < 10; i++) {
			client.queueStatus(TestTokens.user(user), drop.concertId()).block(Concerts.TIMEOUT).expect(200);
		}
		String token = Admissions.admit(this.room, drop.concertId(), user);
		assertThat(lines(output, user)).as("queue entry and polls are not logged").isEmpty();

		HoldingClient holding = new HoldingClient(this.port);
		String bought = (String) holding.hold(drop.scheduleId(), user, token, List.of(drop.seatIds().get(0))).get("id");
		assertThat(fans.charge(user, "first", 50).block().status()).isEqualTo(201);
		assertThat(fans.pay(user, bought).block().status()).isEqualTo(402);
		assertThat(fans.charge(user, "second", 50).block().status()).isEqualTo(201);
		assertThat(fans.pay(user, bought).block().status()).isEqualTo(200);
		assertThat(fans.pay(user, bought).block().status()).as("paid again: no new outcome").isEqualTo(200);
		assertThat(fans.cancel(user, bought).block().status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> "CANCELLED".equals(fans.reservation(user, bought).block().state()));

		String released = (String) holding.hold(drop.scheduleId(), user, token, List.of(drop.seatIds().get(1)))
			.get("id");
		assertThat(fans.cancel(user, released).block().status()).isEqualTo(200);
		assertThat(fans.cancel(user, released).block().status()).as("again: no new outcome").isEqualTo(200);

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(outcomes(output, bought)).containsExactly(
				"Held", "Payment refused", "Paid", "Cancellation requested", "Refunded", "Cancelled"));
		assertThat(outcomes(output, released)).containsExactly("Held", "Released");
		assertThat(lines(output, bought)).allSatisfy(line -> assertThat(line).contains(" INFO ")
			.contains("reservation " + bought + ", user " + user));
		assertThat(lines(output, released)).allSatisfy(line -> assertThat(line).contains(" INFO ")
			.contains("reservation " + released + ", user " + user));
	}

	private static List<String> lines(CapturedOutput output, String text) {
		return Arrays.stream(output.getOut().split("\\R")).filter(line -> line.contains(text)).toList();
	}

	/** The outcome each line names: the text before ": reservation". */
	private static List<String> outcomes(CapturedOutput output, String reservation) {
		return lines(output, "reservation " + reservation + ",").stream().map(line -> {
			String head = line.substring(0, line.indexOf(": reservation " + reservation));
			return head.substring(head.lastIndexOf(" : ") + 3);
		}).toList();
	}

}
