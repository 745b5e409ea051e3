package dev.stagedoor;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Development sign-in for the web client: {@code GET /dev/sign-in} answers 200 (the pages
 * then offer "sign in as fan N / as admin"), {@code POST /dev/sign-in} {@code {"fan":N}} or
 * {@code {"admin":true}} answers {@code {"token"}}, a {@link TestTokens} bearer token for
 * {@code fan-N} or {@code demo-admin}. Only {@code ./mvnw spring-boot:test-run}
 * ({@link TestStagedoorApplication}) and the browser tests register it: it lives in src/test,
 * so the production jar has no way to mint tokens. Imported explicitly (not scanned).
 */
// not a @Configuration, so the component scan of the other tests does not pick it up
public class DevSignIn {

	@Bean
	RouterFunction<ServerResponse> devSignInRoutes() {
		return RouterFunctions.route()
			.GET("/dev/sign-in", request -> ServerResponse.ok().bodyValue(Map.of("available", true)))
			.POST("/dev/sign-in", request -> request.bodyToMono(Map.class).flatMap(body -> {
				String token = Boolean.TRUE.equals(body.get("admin")) ? TestTokens.admin("demo-admin")
						: TestTokens.user("fan-" + ((Number) body.getOrDefault("fan", 1)).longValue());
				return ServerResponse.ok().bodyValue(Map.of("token", token));
			}))
			.build();
	}

}
