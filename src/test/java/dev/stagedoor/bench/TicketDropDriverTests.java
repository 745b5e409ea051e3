package dev.stagedoor.bench;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.stagedoor.client.ApiReply;

import static org.assertj.core.api.Assertions.assertThat;

/** The drop driver's fans poll when the service tells them, never earlier. */
class TicketDropDriverTests {

	@Test
	void aFanWaitsTheToldIntervalPlusAtMostAFifth() {
		for (int i = 0; i < 200; i++) {
			Duration wait = TicketDropDriver.pollAfter(ApiReply.of(200,
					"{\"status\":\"WAITING\",\"position\":4000,\"etaSeconds\":40,\"pollAfterSeconds\":40}"));
			assertThat(wait).isBetween(Duration.ofSeconds(40), Duration.ofSeconds(48));
		}
	}

	@Test
	void anAnswerWithoutAnIntervalMeansOneSecond() {
		Duration wait = TicketDropDriver.pollAfter(ApiReply.of(200, "{\"status\":\"WAITING\"}"));
		assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1_200));
	}

	@Test
	void aShedQueueCallIsRetriedAfterTheWaitingRoomsRetryAfterAndOtherErrorsAreNot() {
		assertThat(TicketDropDriver.isShed(ApiReply.of(503,
				"{\"status\":503,\"code\":\"overloaded\"}"))).isTrue();
		assertThat(TicketDropDriver.isShed(ApiReply.of(503,
				"{\"status\":503,\"code\":\"unavailable\"}"))).isFalse();
		assertThat(TicketDropDriver.isShed(ApiReply.of(404,
				"{\"status\":404,\"code\":\"not-in-queue\"}"))).isFalse();
		for (int i = 0; i < 200; i++) {
			assertThat(TicketDropDriver.shedRetry()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(6));
		}
	}

}
