package dev.stagedoor;

import java.time.Duration;

import org.springframework.test.web.reactive.server.WebTestClient;

/** A WebTestClient against the running test application, optionally as a given caller. */
public final class Api {

	private Api() {
	}

	public static WebTestClient anonymous(int port) {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + port)
			.responseTimeout(Duration.ofSeconds(30))
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
