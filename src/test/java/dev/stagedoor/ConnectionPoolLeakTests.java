package dev.stagedoor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The suite's former "unanswered request", reproduced: a response whose body nobody reads keeps
 * its pooled connection, so once a client's pool is used up every later request of that client
 * waits for a connection that never comes back (with Reactor Netty's defaults, 16 connections
 * per address and a 45 s acquire timeout: a test "hanging" for 30 s and more). Here against a
 * plain Reactor Netty server (no Spring context) through a pool of 4 connections that gives up
 * acquiring after 500 ms, so the leak shows in milliseconds and deterministically; then the
 * same pool carries thousands of requests when bodies are read, and the project's {@link Api}
 * helper, which tests use to check statuses only, leaks nothing through it.
 */
class ConnectionPoolLeakTests {

	static final int POOL = 4;

	/** An answer bigger than one read, as the API's JSON bodies often are. */
	static final String BODY = "{\"seats\":\"" + "x".repeat(32 * 1024) + "\"}";

	static DisposableServer server;

	final List<ConnectionProvider> pools = new ArrayList<>();

	@BeforeAll
	static void start() {
		server = HttpServer.create()
			.port(0)
			.route(routes -> routes.get("/body",
					(request, response) -> response.header("Content-Type", "application/json").sendString(Mono.just(BODY))))
			.bindNow();
	}

	@AfterAll
	static void stop() {
		server.disposeNow();
	}

	@AfterEach
	void dispose() {
		this.pools.forEach(pool -> pool.disposeLater().block(Duration.ofSeconds(5)));
	}

	@Test
	void responsesLeftUnreadUseUpThePoolAndTheNextRequestNeverGetsAConnection() {
		HttpClient client = client();
		List<HttpClientResponse> unread = new ArrayList<>();
		for (int i = 0; i < POOL; i++) {
			// the status and headers only: the body is left where it is, as an unread test response's was
			HttpClientResponse response = client.get()
				.uri("/body")
				.responseConnection((answer, connection) -> Mono.just(answer))
				.next()
				.block(Duration.ofSeconds(5));
			assertThat(response.status().code()).isEqualTo(200);
			unread.add(response);
		}

		long started = System.nanoTime();
		assertThatThrownBy(() -> client.get().uri("/body").responseContent().aggregate().asString().block(Duration.ofSeconds(5)))
			.hasMessageContaining("Pool#acquire(Duration) has been pending for more than the configured timeout of 500ms");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		assertThat(unread).hasSize(POOL);
	}

	@Test
	void withEveryBodyReadAThousandRequestsShareTheSamePool() {
		HttpClient client = client();
		List<Integer> lengths = Flux.range(0, 1_000)
			.flatMap(i -> client.get().uri("/body").responseContent().aggregate().asString().map(String::length), POOL)
			.collectList()
			.block(Duration.ofMinutes(1));
		assertThat(lengths).hasSize(1_000).containsOnly(BODY.length());
	}

	@Test
	void theApiHelperLeaksNoConnectionWhenATestChecksOnlyTheStatus() {
		WebTestClient api = Api.anonymous(server.port())
			.mutate()
			.clientConnector(new ReactorClientHttpConnector(client()))
			.build();
		for (int i = 0; i < 1_000; i++) {
			api.get().uri("/body").exchange().expectStatus().isOk();
		}
		// and a client without Api's filter, checking statuses only, is what leaked
		WebTestClient bare = WebTestClient.bindToServer(new ReactorClientHttpConnector(client()))
			.baseUrl("http://localhost:" + server.port())
			.responseTimeout(Duration.ofSeconds(5))
			.build();
		assertThatThrownBy(() -> {
			for (int i = 0; i < 2_000; i++) {
				bare.get().uri("/body").exchange().expectStatus().isOk();
			}
		}).hasStackTraceContaining("Pool#acquire(Duration) has been pending");
	}

	private HttpClient client() {
		ConnectionProvider pool = ConnectionProvider.builder("leak-test")
			.maxConnections(POOL)
			.pendingAcquireTimeout(Duration.ofMillis(500))
			.build();
		this.pools.add(pool);
		return HttpClient.create(pool).baseUrl("http://localhost:" + server.port());
	}

}
