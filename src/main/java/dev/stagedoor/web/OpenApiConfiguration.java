package dev.stagedoor.web;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html},
 * springdoc): the parts no handler knows — the two ways to authenticate, the shared headers,
 * the problem+json schema and the catalog of {@link ProblemCode}s. {@link ApiDocCustomizer}
 * adds what each handler answers. The document is committed as {@code docs/openapi.json};
 * a test fails when it differs from what the application serves.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String BEARER = "bearer";

	static final String STREAM_TICKET = "streamTicket";

	static final String PROBLEM = "Problem";

	/** Response headers a handler may name in {@link ApiDoc.Answer#headers()}, with what they mean. */
	static final Map<String, String> RESPONSE_HEADERS = Map.of("ETag",
			"A digest of the representation; send it back as `If-None-Match` to get 304 while it is unchanged.",
			"Location", "The URL of the created resource.", "Retry-After",
			"Seconds to wait before retrying (1 for `unavailable`); on waiting-room answers, when to poll again "
					+ "(the same as `pollAfterSeconds`).", "Cache-Control",
			"`no-store` for secrets (stream tickets), `no-cache` for maps a client may keep and revalidate.");

	/** What the request headers handlers read mean; {@link ApiDocCustomizer} puts it on their parameters. */
	static final Map<String, String> REQUEST_HEADERS = Map.of("Idempotency-Key",
			"Required, 1–255 characters, chosen by the client per charge. The same key with the same body replays the stored answer "
					+ "(concurrent duplicates wait for the first and replay it); with another body: 422 `idempotency-key-reused`.",
			"Queue-Token",
			"The admission token from the waiting room (`token` of an ADMITTED queue view, or the queue stream's ADMITTED event). "
					+ "Without a valid one: 403 `not-admitted`.",
			"Last-Event-ID",
			"The id (version) of the last event the client saw; the stream resumes after it without a gap. "
					+ "`?lastEventId=` means the same for clients that cannot set the header (a new EventSource); the header wins.",
			"If-None-Match", "An `ETag` of this map the client holds; 304 while the map is unchanged.");

	@Bean
	OpenAPI stagedoorOpenApi() {
		Components components = new Components()
			.addSecuritySchemes(BEARER,
					new SecurityScheme().type(SecurityScheme.Type.HTTP)
						.scheme("bearer")
						.bearerFormat("JWT")
						.description("`Authorization: Bearer <JWT>`: `sub` is the user, `roles: [\"admin\"]` unlocks "
								+ "`/api/admin/**`; the README's API section lists the claims."))
			.addSecuritySchemes(STREAM_TICKET,
					new SecurityScheme().type(SecurityScheme.Type.APIKEY)
						.in(SecurityScheme.In.QUERY)
						.name(SecurityConfiguration.TICKET_PARAMETER)
						.description("`?ticket=<ticket>` from `POST /api/me/stream-tickets`, for a browser's EventSource, "
								+ "which cannot send `Authorization`. Accepted by `GET …/stream` endpoints only, when no "
								+ "`Authorization` header is sent; anywhere else, expired or tampered: 401 `unauthorized`."));
		RESPONSE_HEADERS.keySet()
			.stream()
			.sorted()
			.forEach(name -> components.addHeaders(name, new Header().description(RESPONSE_HEADERS.get(name))
				.schema(Schemas.of(name.equals("Retry-After") ? "integer" : "string"))));
		return new OpenAPI().info(new Info().title("Stagedoor")
			.version("v1")
			.description(description()))
			.servers(List.of(new Server().url("/").description("the service itself")))
			.components(components);
	}

	@Bean
	ApiDocCustomizer apiDocCustomizer() {
		return new ApiDocCustomizer();
	}

	static Schema<Object> problemSchema() {
		Map<String, Schema> properties = new LinkedHashMap<>();
		properties.put("type", Schemas.of("string").format("uri").description("`https://stagedoor.dev/problems/<code>`"));
		properties.put("title", Schemas.of("string").description("The status's reason phrase."));
		properties.put("status", Schemas.of("integer").format("int32"));
		properties.put("detail", Schemas.of("string").description("For people; clients switch on `code`."));
		properties.put("instance", Schemas.of("string"));
		properties.put("code", Schemas.<String>of("string")
			._enum(Arrays.stream(ProblemCode.values()).map(ProblemCode::code).toList())
			.description("Stable, kebab-case; see the catalog in the document's description."));
		Schema<Object> schema = Schemas.of("object");
		schema.setProperties(properties);
		schema.setRequired(List.of("type", "title", "status", "code"));
		schema.setAdditionalProperties(Boolean.TRUE);
		return schema.description("RFC 9457 problem details (`application/problem+json`) with a stable `code`; some codes "
				+ "add members (see their meaning).");
	}

	private static String description() {
		String catalog = Arrays.stream(ProblemCode.values())
			.map(c -> "| `" + c.code() + "` | " + c.status() + " | " + c.meaning() + " |")
			.collect(Collectors.joining("\n"));
		return """
				A reactive reservation engine for ticket drops: a fair waiting room, seat holds, payment with points, \
				cancellation with refunds. The README is the contract; this document describes the same HTTP API.

				**Authentication**: every `/api` call needs a bearer JWT (`roles: ["admin"]` for `/api/admin/**`). \
				`GET …/stream` endpoints also accept a stream ticket (`?ticket=`), so a browser's `EventSource` can open them.

				**Streams** (`text/event-stream`): each lists its events (name, payload schema) in its description and in \
				the extension `x-sse-events`; `:heartbeat` comments keep idle streams open.

				**Errors** are `application/problem+json` with a stable `code`. Each operation lists the codes it can \
				answer (responses, and the extension `x-problem-codes`). Any route can also answer `not-found` (no such \
				route) and `method-not-allowed`.

				| code | status | meaning |
				| --- | --- | --- |
				""" + catalog;
	}

	/** Schema objects written for OpenAPI 3.1, where a schema's type is a set. */
	static final class Schemas {

		private Schemas() {
		}

		@SuppressWarnings("unchecked")
		static <T> Schema<T> of(String type) {
			Schema<T> schema = new Schema<>();
			schema.setTypes(Set.of(type));
			return schema;
		}

		static Schema<Object> ref(String name) {
			return new Schema<Object>().$ref("#/components/schemas/" + name);
		}

	}

}
