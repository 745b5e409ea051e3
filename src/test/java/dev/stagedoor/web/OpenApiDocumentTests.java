package dev.stagedoor.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.stagedoor.Api;
import dev.stagedoor.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document at {@code /v3/api-docs}: it lists exactly the routes the application
 * serves (handler mappings and router functions, both ways), validates against the official
 * OpenAPI 3.1 schema, equals the committed {@code docs/openapi.json}, and describes what the
 * API's rules promise (tickets on streams, problem codes, headers).
 * <p>
 * Regenerate the committed document after changing the API:
 * {@code ./mvnw -B -q test -Dtest=OpenApiDocumentTests -Dsurefire.failIfNoSpecifiedTests=false -Dstagedoor.openapi.write=true}
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTests {

	static final Path COMMITTED = Path.of("docs/openapi.json");

	static final String REGENERATE = "./mvnw -B -q test -Dtest=OpenApiDocumentTests -Dsurefire.failIfNoSpecifiedTests=false "
			+ "-Dstagedoor.openapi.write=true";

	/**
	 * Routes that are not the API, by the package of their handler: springdoc's own (the
	 * document and the UI) and Spring Boot's actuator (documented in the README, not here).
	 */
	static final List<String> NOT_THE_API = List.of("org.springdoc.", "org.springframework.boot.");

	static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	JsonNode served;

	@BeforeAll
	void readTheServedDocument() {
		byte[] body = Api.anonymous(this.port)
			.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		this.served = JSON.readTree(body);
	}

	@Test
	void theCommittedDocumentIsWhatTheApplicationServes() throws IOException {
		if (Boolean.getBoolean("stagedoor.openapi.write")) {
			Files.createDirectories(COMMITTED.getParent());
			Files.writeString(COMMITTED, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this.served) + "\n");
		}
		assertThat(Files.readString(Path.of("README.md"))).as("the README tells how to regenerate docs/openapi.json")
			.contains(REGENERATE);
		assertThat(COMMITTED).as("docs/openapi.json is missing; write it with: " + REGENERATE).exists();
		// served again, the document is the same (springdoc caches it; the customizers ran once)
		assertThat(JSON.readTree(Api.anonymous(this.port)
			.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectBody()
			.returnResult()
			.getResponseBody())).isEqualTo(this.served);
		JsonNode committed = JSON.readTree(Files.readString(COMMITTED));
		assertThat(committed).as("docs/openapi.json is not what /v3/api-docs serves; regenerate it with: " + REGENERATE)
			.isEqualTo(this.served);
	}

	@Test
	void theDocumentValidatesAsOpenApi31() throws IOException {
		assertThat(this.served.path("openapi").asString()).startsWith("3.1.");
		Schema schema = officialSchema();
		List<Error> errors = schema.validate(this.served);
		assertThat(errors).as("validation errors against the OpenAPI 3.1 schema").isEmpty();
		// the validator is really at work: a document without info, or an operation without
		// responses in a 3.0 shape, is refused
		ObjectNode broken = (ObjectNode) this.served.deepCopy();
		broken.remove("info");
		broken.put("openapi", "3.0.3");
		assertThat(schema.validate(broken)).isNotEmpty();
	}

	@Test
	void everyRouteIsInTheDocumentAndEveryDocumentedOperationIsARoute() {
		Set<String> routes = routes();
		Set<String> documented = new TreeSet<>();
		this.served.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
			if (Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(operation.getKey())) {
				documented.add(operation.getKey().toUpperCase() + " " + path.getKey());
			}
		}));
		assertThat(routes).as("the application's routes").isNotEmpty().contains("POST /api/me/stream-tickets");
		assertThat(documented).as("the operations of /v3/api-docs (left: documented, right: routes)")
			.containsExactlyInAnyOrderElementsOf(routes);
	}

	@Test
	void everyApiOperationNeedsABearerAndStreamsAlsoTakeATicket() {
		forEachApiOperation((name, operation) -> {
			List<String> alternatives = new ArrayList<>();
			operation.path("security").forEach(requirement -> alternatives.add(String.join("+", requirement.propertyNames())));
			boolean stream = name.startsWith("GET ") && name.endsWith("/stream");
			assertThat(alternatives).as(name).containsExactlyElementsOf(stream ? List.of("bearer", "streamTicket") : List.of("bearer"));
		});
		JsonNode schemes = this.served.at("/components/securitySchemes");
		assertThat(schemes.at("/bearer/type").asString()).isEqualTo("http");
		assertThat(schemes.at("/bearer/scheme").asString()).isEqualTo("bearer");
		assertThat(schemes.at("/streamTicket/type").asString()).isEqualTo("apiKey");
		assertThat(schemes.at("/streamTicket/in").asString()).isEqualTo("query");
		assertThat(schemes.at("/streamTicket/name").asString()).isEqualTo("ticket");
	}

	@Test
	void everyStreamIsAnEventStreamThatNamesItsEventsAndTheirPayloads() {
		List<String> streams = new ArrayList<>();
		forEachApiOperation((name, operation) -> {
			if (!name.endsWith("/stream")) {
				return;
			}
			streams.add(name);
			assertThat(operation.at("/responses/200/content").propertyNames()).as(name).containsExactly("text/event-stream");
			assertThat(operation.path("x-sse-events").isEmpty()).as(name + " lists its events").isFalse();
			operation.path("x-sse-events").forEach(event -> {
				assertThat(operation.path("description").asString()).as(name).contains("`" + event.path("event").asString() + "`");
				String ref = event.at("/data/$ref").asString(event.at("/data/items/$ref").asString(""));
				assertThat(ref).as(name + " " + event).startsWith("#/components/schemas/");
				assertThat(this.served.at(ref.substring(1))).as(ref).isNotNull();
				assertThat(this.served.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
			});
		});
		assertThat(streams).containsExactlyInAnyOrder("GET /api/concerts/{concertId}/queue/stream",
				"GET /api/reservations/{id}/stream", "GET /api/schedules/{scheduleId}/seats/stream",
				"GET /api/schedules/{scheduleId}/inventories/stream", "GET /api/admin/concerts/{concertId}/stats/stream",
				"GET /api/schedules/{scheduleId}/waiting-list/stream");
		assertThat(eventNames("/api/schedules/{scheduleId}/inventories/stream")).containsExactly("snapshot", "inventories");
		assertThat(eventNames("/api/admin/concerts/{concertId}/stats/stream")).containsExactly("stats");
		assertThat(eventNames("/api/schedules/{scheduleId}/waiting-list/stream")).containsExactly("position", "offer");
		assertThat(eventNames("/api/concerts/{concertId}/queue/stream")).containsExactly("status");
		assertThat(eventNames("/api/schedules/{scheduleId}/seats/stream")).containsExactly("snapshot", "seats");
		assertThat(eventNames("/api/reservations/{id}/stream")).containsExactly("state");
		assertThat(this.served.at("/paths/~1api~1reservations~1{id}~1stream/get/x-sse-events/0/data/$ref").asString())
			.isEqualTo("#/components/schemas/Reservation");
	}

	@Test
	void everyProblemCodeAnOperationListsHasAProblemResponseOfItsStatus() {
		forEachApiOperation((name, operation) -> {
			List<String> codes = new ArrayList<>();
			operation.path("x-problem-codes").forEach(code -> codes.add(code.asString()));
			assertThat(codes).as(name).contains("unauthorized", "not-acceptable", "internal-error", "unavailable");
			for (String code : codes) {
				ProblemCode known = ProblemCode.of(code).orElseThrow();
				JsonNode response = operation.at("/responses/" + known.status());
				assertThat(response.at("/content/application~1problem+json/schema/allOf/0/$ref").asString()).as(name + " " + code)
					.isEqualTo("#/components/schemas/Problem");
				List<String> listed = new ArrayList<>();
				response.at("/content/application~1problem+json/schema/properties/code/enum")
					.forEach(c -> listed.add(c.asString()));
				assertThat(listed).as(name + " " + known.status()).contains(code);
				assertThat(response.path("description").asString()).contains("`" + code + "`");
			}
			assertThat(operation.at("/responses/503/headers/Retry-After/$ref").asString())
				.isEqualTo("#/components/headers/Retry-After");
			if (name.contains(" /api/admin/")) {
				assertThat(codes).as(name).contains("forbidden");
			}
		});
		List<String> codes = new ArrayList<>();
		this.served.at("/components/schemas/Problem/properties/code/enum").forEach(c -> codes.add(c.asString()));
		assertThat(codes).containsExactlyInAnyOrderElementsOf(
				java.util.Arrays.stream(ProblemCode.values()).map(ProblemCode::code).toList());
		// what the README's API table promises for the busiest calls
		assertThat(problemCodes("post", "/api/schedules/{scheduleId}/reservations")).contains("seat-unavailable",
				"seat-limit-exceeded", "seat-not-found", "schedule-not-found", "not-admitted", "validation-failed");
		assertThat(problemCodes("post", "/api/reservations/{id}/payment")).contains("insufficient-points",
				"payment-in-progress", "invalid-state", "reservation-not-found");
		assertThat(problemCodes("post", "/api/reservations/{id}/cancellation")).contains("cancel-deadline-passed",
				"invalid-state", "reservation-not-found");
		assertThat(problemCodes("post", "/api/me/points/charges")).contains("idempotency-key-reused",
				"balance-limit-exceeded", "charge-limit-exceeded", "validation-failed", "payload-too-large",
				"unsupported-media-type");
		assertThat(problemCodes("get", "/api/concerts/{concertId}/queue")).contains("not-in-queue", "concert-not-found");
	}

	@Test
	void requestSchemasCarryTheValidationRules() {
		JsonNode seatIds = this.served.at("/components/schemas/HoldRequest/properties/seatIds");
		// either list may be empty (seats only, units only), not both: checked by the controller
		assertThat(seatIds.path("minItems").asInt(0)).isZero();
		assertThat(seatIds.path("maxItems").asInt()).isEqualTo(100);
		assertThat(this.served.at("/components/schemas/HoldRequest/properties/items/maxItems").asInt()).isEqualTo(20);
		assertThat(this.served.at("/components/schemas/ItemRequest/properties/quantity/minimum").asInt()).isEqualTo(1);
		assertThat(seatIds.at("/items/minimum").asInt()).isEqualTo(1);
		assertThat(this.served.at("/components/schemas/ChargeRequest/properties/amount/minimum").asInt()).isEqualTo(1);
		assertThat(this.served.at("/components/schemas/NewConcert/properties/title/minLength").asInt()).isEqualTo(1);
		assertThat(this.served.at("/components/schemas/NewSection/properties/name/minLength").asInt()).isEqualTo(1);
		assertThat(this.served.at("/components/schemas/NewSchedule/properties/sections/minItems").asInt()).isEqualTo(1);
		assertThat(this.served.at("/components/schemas/HoldRequest/required").toString()).doesNotContain("seatIds");
		assertThat(this.served.at("/components/schemas/ItemRequest/required").toString()).contains("inventoryId",
				"quantity");
		// the Bean Validation constraints swagger-core does not read by itself (ConstraintSchemas)
		assertThat(seatIds.path("uniqueItems").asBoolean(false)).isTrue();
		assertThat(parameter("/api/schedules/{scheduleId}/seats", "status").at("/schema/enum").toString())
			.isEqualTo("[\"AVAILABLE\",\"HELD\",\"SOLD\"]");
		JsonNode limit = parameter("/api/me/points/ledger", "limit").path("schema");
		assertThat(limit.path("minimum").asInt()).isEqualTo(1);
		assertThat(limit.path("maximum").asInt()).isEqualTo(500);
	}

	private JsonNode parameter(String path, String name) {
		for (JsonNode parameter : this.served.path("paths").path(path).path("get").path("parameters")) {
			if (name.equals(parameter.path("name").asString())) {
				return parameter;
			}
		}
		throw new AssertionError("no parameter " + name + " on GET " + path);
	}

	@Test
	void theApiHeadersAreDescribed() {
		JsonNode charge = operation("post", "/api/me/points/charges");
		JsonNode key = parameter(charge, "Idempotency-Key");
		assertThat(key.path("in").asString()).isEqualTo("header");
		assertThat(key.path("required").asBoolean()).isTrue();
		assertThat(key.at("/schema/maxLength").asInt()).isEqualTo(255);
		assertThat(key.path("description").asString()).contains("idempotency-key-reused");
		JsonNode hold = operation("post", "/api/schedules/{scheduleId}/reservations");
		assertThat(parameter(hold, "Queue-Token").path("description").asString()).contains("not-admitted");
		assertThat(hold.at("/responses/201/headers/Location/$ref").asString()).isEqualTo("#/components/headers/Location");
		JsonNode reservationStream = operation("get", "/api/reservations/{id}/stream");
		assertThat(parameter(reservationStream, "Last-Event-ID").path("in").asString()).isEqualTo("header");
		assertThat(parameter(reservationStream, "lastEventId").path("in").asString()).isEqualTo("query");
		JsonNode seats = operation("get", "/api/schedules/{scheduleId}/seats");
		assertThat(seats.at("/responses/200/headers/ETag/$ref").asString()).isEqualTo("#/components/headers/ETag");
		assertThat(seats.at("/responses/304/headers/ETag/$ref").asString()).isEqualTo("#/components/headers/ETag");
		assertThat(parameter(seats, "If-None-Match").path("in").asString()).isEqualTo("header");
		assertThat(this.served.at("/components/headers").propertyNames()).contains("ETag", "Location", "Retry-After",
				"Cache-Control");
	}

	@Test
	void theDocumentAndTheUiNeedNoTokenAndOpenNothingElse() {
		Api.anonymous(this.port).get().uri("/v3/api-docs").exchange().expectStatus().isOk();
		String ui = Api.anonymous(this.port)
			.get()
			.uri("/swagger-ui.html")
			.exchange()
			.expectStatus()
			.is3xxRedirection()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.toString();
		Api.anonymous(this.port)
			.get()
			.uri(ui)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value(page -> assertThat(page).contains("swagger-ui"));
		Api.anonymous(this.port).get().uri("/v3/api-docs/swagger-config").exchange().expectStatus().isOk();
		// the rest of the API is as closed as before
		Api.anonymous(this.port)
			.get()
			.uri("/api/concerts")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("unauthorized");
		Api.user(this.port, "docs-reader").get().uri("/api/admin/concerts/1/queue").exchange().expectStatus().isForbidden();
	}

	interface OperationCheck {

		void check(String name, JsonNode operation);

	}

	void forEachApiOperation(OperationCheck check) {
		int[] seen = { 0 };
		this.served.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
			if (path.getKey().startsWith("/api/")) {
				seen[0]++;
				check.check(operation.getKey().toUpperCase() + " " + path.getKey(), operation.getValue());
			}
		}));
		assertThat(seen[0]).as("operations checked").isGreaterThan(20);
	}

	JsonNode operation(String method, String path) {
		JsonNode operation = this.served.path("paths").path(path).path(method);
		assertThat(operation.isMissingNode()).as(method + " " + path).isFalse();
		return operation;
	}

	static JsonNode parameter(JsonNode operation, String name) {
		for (JsonNode parameter : operation.path("parameters")) {
			if (name.equals(parameter.path("name").asString())) {
				return parameter;
			}
		}
		throw new AssertionError("no parameter " + name + " in " + operation.path("operationId"));
	}

	List<String> problemCodes(String method, String path) {
		List<String> codes = new ArrayList<>();
		operation(method, path).path("x-problem-codes").forEach(code -> codes.add(code.asString()));
		return codes;
	}

	List<String> eventNames(String path) {
		List<String> names = new ArrayList<>();
		operation("get", path).path("x-sse-events").forEach(event -> names.add(event.path("event").asString()));
		return names;
	}

	/** METHOD path of every route the application serves, but springdoc's and the actuator's. */
	Set<String> routes() {
		Set<String> routes = new TreeSet<>();
		this.context.getBeansOfType(RequestMappingInfoHandlerMapping.class)
			.values()
			.forEach(mapping -> mapping.getHandlerMethods().forEach((info, handler) -> {
				if (!isApi(handler.getBeanType())) {
					return;
				}
				addRoutes(routes, info);
			}));
		this.context.getBeansOfType(RouterFunctionMapping.class).values().forEach(mapping -> {
			if (mapping.getRouterFunction() != null) {
				mapping.getRouterFunction().accept(new RouteCollector(routes));
			}
		});
		return routes;
	}

	private static void addRoutes(Set<String> routes, RequestMappingInfo info) {
		Set<org.springframework.web.bind.annotation.RequestMethod> methods = info.getMethodsCondition().getMethods();
		assertThat(methods).as("a handler mapped to every method: " + info).isNotEmpty();
		info.getPatternsCondition()
			.getPatterns()
			.forEach(pattern -> methods.forEach(method -> routes.add(method.name() + " " + pattern.getPatternString())));
	}

	static boolean isApi(Class<?> handlerType) {
		return NOT_THE_API.stream().noneMatch(handlerType.getName()::startsWith);
	}

	/** The routes of a router function; one whose handler is springdoc's or Boot's is skipped. */
	static final class RouteCollector implements RouterFunctions.Visitor {

		private final Set<String> routes;

		RouteCollector(Set<String> routes) {
			this.routes = routes;
		}

		@Override
		public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
			if (!isApi(handler.getClass())) {
				return;
			}
			List<String> methods = new ArrayList<>();
			List<String> paths = new ArrayList<>();
			predicate.accept(new RequestPredicates.Visitor() {
				@Override
				public void method(Set<HttpMethod> httpMethods) {
					httpMethods.forEach(m -> methods.add(m.name()));
				}

				@Override
				public void path(String pattern) {
					paths.add(pattern);
				}

				@Override
				public void pathExtension(String extension) {
				}

				@Override
				public void header(String name, String value) {
				}

				@Override
				public void queryParam(String name, String value) {
				}

				@Override
				public void version(String version) {
				}

				@Override
				public void startAnd() {
				}

				@Override
				public void and() {
				}

				@Override
				public void endAnd() {
				}

				@Override
				public void startOr() {
				}

				@Override
				public void or() {
				}

				@Override
				public void endOr() {
				}

				@Override
				public void startNegate() {
				}

				@Override
				public void endNegate() {
				}

				@Override
				public void unknown(RequestPredicate predicate) {
					paths.add("?" + predicate);
				}
			});
			assertThat(methods).as("a route for every method: " + predicate).isNotEmpty();
			methods.forEach(m -> paths.forEach(p -> this.routes.add(m + " " + p)));
		}

		@Override
		public void resources(java.util.function.Function<ServerRequest, reactor.core.publisher.Mono<org.springframework.core.io.Resource>> lookup) {
			this.routes.add("? static resources " + lookup);
		}

		@Override
		public void attributes(java.util.Map<String, Object> attributes) {
		}

		@Override
		public void startNested(RequestPredicate predicate) {
		}

		@Override
		public void endNested(RequestPredicate predicate) {
		}

		@Override
		public void unknown(RouterFunction<?> routerFunction) {
			this.routes.add("? " + routerFunction);
		}

	}

	/**
	 * {@code openapi/oas-3.1-schema.json}: the OpenAPI Initiative's 3.1 schema ("OpenAPI v3.1.x
	 * documents without Schema Object validation", {@code src/schemas/validation/schema.yaml} of
	 * the OAI/OpenAPI-Specification repository, branch v3.1-dev, converted to JSON unchanged).
	 */
	static Schema officialSchema() throws IOException {
		try (InputStream in = OpenApiDocumentTests.class.getResourceAsStream("/openapi/oas-3.1-schema.json")) {
			return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
		}
	}

}
