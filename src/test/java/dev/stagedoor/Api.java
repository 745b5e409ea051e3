package dev.stagedoor;

import java.time.Duration;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The raw wire: a WebTestClient against the running test application, optionally as a given
 * caller, for the tests whose point is the request itself rather than what the API answers
 * to an ordinary call. Every ordinary call of the HTTP API goes through
 * {@link dev.stagedoor.client.StagedoorClient}, which alone knows the paths, headers and
 * bodies. This class is for exactly these cases:
 * <ul>
 * <li>malformed requests: bodies that are not JSON or not the right JSON, broken or odd
 * headers, wrong media types ({@code StrictInputIntegrationTests},
 * {@code ApiErrorsIntegrationTests}, {@code ValidationAnswersIntegrationTests});</li>
 * <li>what is not the API: the actuator's health and metrics, the OpenAPI document, the
 * static web client's pages, and the browser tests around them;</li>
 * <li>CORS and preflight requests;</li>
 * <li>URLs of the test's own making that no client sends, such as a stream ticket in the
 * URL as a browser's EventSource sends it ({@code StreamTicketIntegrationTests});</li>
 * <li>connections and their limits: the connection pool, request timeouts, load shedding
 * ({@code ConnectionPoolLeakTests}, {@code RequestTimeoutIntegrationTests},
 * {@code LoadSheddingIntegrationTests}).</li>
 * </ul>
 */
public final class Api {

	/**
	 * Reads every response body to its end before the test sees the response (event streams
	 * excepted, which tests read as they come). A test that only checks the status leaves the
	 * body unread, and WebTestClient then keeps the connection now and then: after enough such
	 * calls the shared connection pool for the application's address is used up and every later
	 * request of the run waits forever (measured: a GET checked by status alone stalled after
	 * about 650 calls; with the body read, 1,500 calls passed). This was the suite's rare
	 * "unanswered request".
	 */
	private static final ExchangeFilterFunction READ_WHOLE_BODY = (request, next) -> next.exchange(request)
		.flatMap(response -> {
			MediaType type = response.headers().contentType().orElse(null);
			if (type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)) {
				return Mono.just(response);
			}
			return DataBufferUtils.join(response.bodyToFlux(DataBuffer.class))
				.map(body -> response.mutate().body(Flux.just(body)).build())
				.switchIfEmpty(Mono.fromSupplier(() -> response.mutate().body(Flux.empty()).build()));
		});

	private Api() {
	}

	public static WebTestClient anonymous(int port) {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + port)
			.responseTimeout(Duration.ofSeconds(30))
			.filter(READ_WHOLE_BODY)
			.build();
	}

	public static WebTestClient as(int port, String bearerToken) {
		return anonymous(port).mutate().defaultHeaders(h -> h.setBearerAuth(bearerToken)).build();
	}

	public static WebTestClient user(int port, String userId) {
		return as(port, TestTokens.user(userId));
	}

	public static WebTestClient admin(int port) {
		return as(port, TestTokens.admin("admin"));
	}

}
