package dev.stagedoor.bench;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

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

	@Test
	void aFanRetryingFaultsAsksAgainAfter503s429sAndAPaymentInProgressOnly() {
		assertThat(TicketDropDriver.isFault(ApiReply.of(503, "{\"status\":503,\"code\":\"unavailable\"}"))).isTrue();
		assertThat(TicketDropDriver.isFault(ApiReply.of(503, "{\"status\":503,\"code\":\"overloaded\"}"))).isTrue();
		assertThat(TicketDropDriver.isFault(ApiReply.of(409, "{\"status\":409,\"code\":\"payment-in-progress\"}")))
			.isTrue();
		assertThat(TicketDropDriver.isFault(ApiReply.of(429, "{\"status\":429,\"code\":\"rate-limited\"}"))).isTrue();
		assertThat(TicketDropDriver.isFault(ApiReply.of(409, "{\"status\":409,\"code\":\"invalid-state\"}"))).isFalse();
		assertThat(TicketDropDriver.isFault(ApiReply.of(402, "{\"status\":402,\"code\":\"insufficient-points\"}")))
			.isFalse();
		assertThat(TicketDropDriver.isFault(ApiReply.of(200, "{}"))).isFalse();
	}

	@Test
	void aFaultIsAskedAgainAfterItsRetryAfterBetweenOneAndFiveSeconds() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("Retry-After", "3");
		for (int i = 0; i < 200; i++) {
			assertThat(TicketDropDriver.faultRetry(new ApiReply(503, headers, "{}")))
				.isBetween(Duration.ofSeconds(3), Duration.ofMillis(3_600));
			// no reply at all (a connection that failed): one second
			assertThat(TicketDropDriver.faultRetry(null)).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1_200));
		}
		headers.set("Retry-After", "120");
		assertThat(TicketDropDriver.faultRetry(new ApiReply(503, headers, "{}"))).isBetween(Duration.ofSeconds(5),
				Duration.ofSeconds(6));
	}

}
