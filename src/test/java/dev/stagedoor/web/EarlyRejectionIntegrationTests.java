package dev.stagedoor.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests refused before their body is read (401, 403, 404, 415) are all answered with
 * problem+json on kept-alive connections, many callers at once. Answering while the body was
 * unread once left a request unanswered now and then (ProblemWriter#reject); that hang showed
 * under the full suite's load and has not been reproduced on demand since, so this checks the
 * answers and their shape under concurrency rather than claiming to catch that race.
 */
@IntegrationTest
class EarlyRejectionIntegrationTests {

	private static final int PER_KIND = 200;

	private static final int CALLERS = 8;

	private static final String BODY = "{\"title\":\"" + "x".repeat(600) + "\",\"venue\":\"v\"}";

	@LocalServerPort
	int port;

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Test
	void unauthenticatedPostsWithBodiesAreAllAnswered() throws Exception {
		assertAllAnswered(request("/api/admin/concerts", null).POST(json()), 401);
	}

	@Test
	void forbiddenPostsWithBodiesAreAllAnswered() throws Exception {
		assertAllAnswered(request("/api/admin/concerts", TestTokens.user("fan")).POST(json()), 403);
	}

	@Test
	void postsToUnknownPathsAreAllAnswered() throws Exception {
		assertAllAnswered(request("/api/no-such-thing", TestTokens.user("fan")).POST(json()), 404);
	}

	@Test
	void postsWithAnUnsupportedMediaTypeAreAllAnswered() throws Exception {
		assertAllAnswered(request("/api/admin/concerts", TestTokens.admin("admin")).setHeader("Content-Type", "application/xml")
			.POST(HttpRequest.BodyPublishers.ofString(BODY)), 415);
	}

	private HttpRequest.Builder request(String path, String token) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json");
		return token == null ? builder : builder.header("Authorization", "Bearer " + token);
	}

	private static HttpRequest.BodyPublisher json() {
		return HttpRequest.BodyPublishers.ofString(BODY);
	}

	private void assertAllAnswered(HttpRequest.Builder builder, int status) throws Exception {
		HttpRequest request = builder.build();
		List<Future<List<String>>> results = new ArrayList<>();
		ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
		try {
			for (int c = 0; c < CALLERS; c++) {
				results.add(callers.submit(() -> {
					List<String> wrong = new ArrayList<>();
					for (int i = 0; i < PER_KIND / CALLERS; i++) {
						try {
							HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
							if (response.statusCode() != status
									|| !response.headers().firstValue("Content-Type").orElse("").contains("problem+json")) {
								wrong.add(response.statusCode() + " " + response.body());
							}
						}
						catch (HttpTimeoutException ex) {
							wrong.add("no answer within 10 s");
						}
					}
					return wrong;
				}));
			}
			List<String> wrong = new ArrayList<>();
			for (Future<List<String>> result : results) {
				wrong.addAll(result.get());
			}
			assertThat(wrong).as("answers other than %d problem+json", status).isEmpty();
		}
		finally {
			callers.shutdownNow();
		}
	}

}
