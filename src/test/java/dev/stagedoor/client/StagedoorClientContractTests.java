package dev.stagedoor.client;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.client.reactive.MockClientHttpRequest;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeStrategies;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StagedoorClient} speaks the API of the committed OpenAPI document
 * ({@code docs/openapi.json}, itself checked against the running service by
 * {@code OpenApiDocumentTests}), as {@code K6ContractTests} holds the k6 library to it: every
 * {@link Endpoint} is a documented operation and every documented operation has an
 * {@link Endpoint} (a new endpoint in the document fails here until the client has it). Then
 * every public call of the client is made once against a stub that answers without a server
 * and keeps the request, and each request must be what the document describes: the method and
 * path of its endpoint, only documented query parameters and headers, a bearer token, and a
 * body only where one is documented, with only documented properties and every required one.
 */
class StagedoorClientContractTests {

	static final Path DOCUMENT = Path.of("docs/openapi.json");

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** Headers every request may carry that the document describes elsewhere (security, media types). */
	static final Set<String> GENERAL_HEADERS = Set.of("authorization", "content-type", "accept", "content-length");

	static JsonNode document;

	/** Document path templates without their parameters' names ({} for each) → the template as written. */
	static final Map<String, String> templates = new HashMap<>();

	@BeforeAll
	static void read() throws IOException {
		document = JSON.readTree(Files.readString(DOCUMENT));
		document.get("paths").propertyNames().forEach(path -> templates.put(anonymous(path), path));
	}

	static String anonymous(String template) {
		return template.replaceAll("\\{\\w+}", "{}");
	}

	static JsonNode operation(Endpoint endpoint) {
		String path = templates.get(anonymous(endpoint.path()));
		return path == null ? null : document.get("paths").get(path).get(endpoint.method().name().toLowerCase(Locale.ROOT));
	}

	@Test
	void everyEndpointIsADocumentedOperationAndEveryOperationHasAnEndpoint() {
		for (Endpoint endpoint : Endpoint.values()) {
			assertThat(operation(endpoint)).as("%s in docs/openapi.json", endpoint).isNotNull();
		}
		Set<String> documented = new TreeSet<>();
		document.get("paths").properties().forEach(path -> path.getValue().propertyNames().forEach(method -> {
			if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
				documented.add(method.toUpperCase(Locale.ROOT) + " " + anonymous(path.getKey()));
			}
		}));
		Set<String> covered = new TreeSet<>();
		for (Endpoint endpoint : Endpoint.values()) {
			covered.add(endpoint.method() + " " + anonymous(endpoint.path()));
		}
		assertThat(covered).as("operations of the client").isEqualTo(documented);
	}

	@Test
	void everyCallOfTheClientSendsARequestTheDocumentDescribes() throws Exception {
		List<Sent> sent = new ArrayList<>();
		StagedoorClient client = new StagedoorClient(WebClient.builder()
			.baseUrl("http://stagedoor.test:8080")
			.exchangeFunction(request -> keep(request, sent))
			.build());
		Set<Endpoint> reached = EnumSet.noneOf(Endpoint.class);
		List<String> calls = new ArrayList<>();
		for (Method method : StagedoorClient.class.getDeclaredMethods()) {
			if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())
					|| method.isSynthetic() || method.getParameterCount() == 0
					|| method.getParameterTypes()[0] == Endpoint.class) {
				continue; // send(…) and events(…) are what the calls below go through
			}
			int before = sent.size();
			await(invoke(client, method));
			assertThat(sent).as("%s sends one request", method).hasSize(before + 1);
			Sent request = sent.get(before);
			check(method.toString(), request);
			reached.add(request.endpoint());
			calls.add(method.getName());
		}
		assertThat(calls).as("calls of the client").hasSizeGreaterThanOrEqualTo(Endpoint.values().length);
		assertThat(reached).as("endpoints the client's calls reach").isEqualTo(EnumSet.allOf(Endpoint.class));
	}

	@Test
	void aCallSendsItsPathVariablesHeadersAndQueryAsTheServiceReadsThem() {
		List<Sent> sent = new ArrayList<>();
		StagedoorClient client = new StagedoorClient(WebClient.builder()
			.baseUrl("http://stagedoor.test:8080")
			.exchangeFunction(request -> keep(request, sent))
			.build());
		client.seats("jwt", 42, "AVAILABLE", "\"v7\"").block();
		client.hold("jwt", "queue-token", 42, List.of(3L, 4L)).block();
		client.charge("jwt", "key-1", 500).block();
		client.ledger("jwt", 500).block();
		client.reservationEvents("jwt", "42-abcdefghijklmnop", "9").collectList().block();

		assertThat(sent.get(0).url()).isEqualTo("http://stagedoor.test:8080/api/schedules/42/seats?status=AVAILABLE");
		assertThat(sent.get(0).headers().getFirst(HttpHeaders.IF_NONE_MATCH)).isEqualTo("\"v7\"");
		assertThat(sent.get(1).url()).isEqualTo("http://stagedoor.test:8080/api/schedules/42/reservations");
		assertThat(sent.get(1).headers().getFirst("Queue-Token")).isEqualTo("queue-token");
		assertThat(JSON.readTree(sent.get(1).body()).get("seatIds").toString()).isEqualTo("[3,4]");
		assertThat(sent.get(2).headers().getFirst("Idempotency-Key")).isEqualTo("key-1");
		assertThat(JSON.readTree(sent.get(2).body()).get("amount").asLong()).isEqualTo(500);
		assertThat(sent.get(3).url()).isEqualTo("http://stagedoor.test:8080/api/me/points/ledger?limit=500");
		assertThat(sent.get(4).url()).isEqualTo("http://stagedoor.test:8080/api/reservations/42-abcdefghijklmnop/stream");
		assertThat(sent.get(4).headers().getFirst("Last-Event-ID")).isEqualTo("9");
		assertThat(sent.get(4).headers().getAccept()).containsExactly(MediaType.TEXT_EVENT_STREAM);
		assertThat(sent).allSatisfy(request -> assertThat(request.headers().getFirst(HttpHeaders.AUTHORIZATION))
			.isEqualTo("Bearer jwt"));
	}

	@Test
	void aReplyKeepsStatusHeadersAndBodyAndDecodesJsonOnlyWhenAsked() {
		ApiReply problem = ApiReply.of(409, "{\"status\":409,\"code\":\"seat-unavailable\",\"seatIds\":[3]}");
		assertThat(problem.code()).isEqualTo("seat-unavailable");
		assertThat(problem.number("status")).isEqualTo(409);
		assertThat(problem.list()).isEmpty();
		ApiReply map = ApiReply.of(200, "[{\"id\":1,\"status\":\"AVAILABLE\"}]");
		assertThat(map.objects()).extracting(seat -> seat.get("status")).containsExactly("AVAILABLE");
		assertThat(map.body()).isEmpty();
		ApiReply empty = ApiReply.of(204, "");
		assertThat(empty.json()).isNull();
		assertThat(empty.body()).isEmpty();
		assertThat(empty.code()).isNull();
		// a body that is not JSON is kept as text, not decoded (nor an error until someone decodes JSON)
		assertThat(ApiReply.of(502, "Bad Gateway").json()).isNull();
		assertThat(problem.expect(409)).isSameAs(problem);
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> problem.expect(201))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("seat-unavailable");
	}

	/** What the stub received: the endpoint the client named, method, URL, headers and body. */
	record Sent(Endpoint endpoint, String method, String url, HttpHeaders headers, String body) {
	}

	private static Mono<ClientResponse> keep(ClientRequest request, List<Sent> sent) {
		Endpoint endpoint = (Endpoint) request.attribute(StagedoorClient.ENDPOINT_ATTRIBUTE).orElse(null);
		return body(request).defaultIfEmpty("").map(body -> {
			sent.add(new Sent(endpoint, request.method().name(), request.url().toString(), request.headers(), body));
			boolean stream = request.headers().getAccept().contains(MediaType.TEXT_EVENT_STREAM);
			return ClientResponse.create(HttpStatus.OK)
				.header(HttpHeaders.CONTENT_TYPE, stream ? MediaType.TEXT_EVENT_STREAM_VALUE : MediaType.APPLICATION_JSON_VALUE)
				.body(stream ? "" : "{}")
				.build();
		});
	}

	/** The request's body as the client would write it, or empty when it sends none. */
	private static Mono<String> body(ClientRequest request) {
		if (request.headers().getContentType() == null) {
			return Mono.empty();
		}
		MockClientHttpRequest written = new MockClientHttpRequest(request.method(), request.url());
		List<HttpMessageWriter<?>> writers = ExchangeStrategies.withDefaults().messageWriters();
		return request.body().insert(written, new BodyInserter.Context() {

			@Override
			public List<HttpMessageWriter<?>> messageWriters() {
				return writers;
			}

			@Override
			public Optional<ServerHttpRequest> serverRequest() {
				return Optional.empty();
			}

			@Override
			public Map<String, Object> hints() {
				return Map.of();
			}

		}).then(Mono.defer(written::getBodyAsString));
	}

	private static void check(String call, Sent request) {
		Endpoint endpoint = request.endpoint();
		assertThat(endpoint).as("%s names its endpoint", call).isNotNull();
		JsonNode operation = operation(endpoint);
		assertThat(operation).as("%s: %s documented", call, endpoint).isNotNull();
		assertThat(request.method()).as("%s: method", call).isEqualTo(endpoint.method().name());

		var uri = UriComponentsBuilder.fromUriString(request.url()).build();
		String pathPattern = Arrays.stream(endpoint.path().split("\\{\\w+}", -1))
			.map(Pattern::quote)
			.reduce((a, b) -> a + "[^/{}]+" + b)
			.orElseThrow();
		assertThat(uri.getPath()).as("%s: path of %s", call, endpoint).matches(pathPattern);

		Set<String> queryParameters = new LinkedHashSet<>();
		Set<String> headerParameters = new LinkedHashSet<>();
		JsonNode parameters = operation.get("parameters");
		if (parameters != null) {
			for (JsonNode parameter : parameters) {
				String in = parameter.get("in").asString();
				if (in.equals("query")) {
					queryParameters.add(parameter.get("name").asString());
				}
				else if (in.equals("header")) {
					headerParameters.add(parameter.get("name").asString().toLowerCase(Locale.ROOT));
				}
			}
		}
		assertThat(queryParameters).as("%s: query parameters documented", call).containsAll(uri.getQueryParams().keySet());
		Set<String> headers = new TreeSet<>();
		request.headers().headerNames().forEach(name -> headers.add(name.toLowerCase(Locale.ROOT)));
		headers.removeAll(GENERAL_HEADERS);
		assertThat(headerParameters).as("%s: headers documented", call).containsAll(headers);

		List<String> schemes = new ArrayList<>();
		operation.get("security").forEach(requirement -> requirement.propertyNames().forEach(schemes::add));
		assertThat(schemes).as("%s: bearer accepted", call).contains("bearer");
		assertThat(request.headers().getFirst(HttpHeaders.AUTHORIZATION)).as(call).startsWith("Bearer ");

		JsonNode requestBody = operation.get("requestBody");
		if (request.body().isEmpty()) {
			assertThat(requestBody != null && requestBody.path("required").asBoolean(false))
				.as("%s: a body is required by the document", call)
				.isFalse();
			return;
		}
		assertThat(requestBody).as("%s: a body is documented", call).isNotNull();
		assertThat(request.headers().getContentType()).as(call).isEqualTo(MediaType.APPLICATION_JSON);
		JsonNode schema = requestBody.get("content").get("application/json").get("schema");
		conforms(call, "body", JSON.readTree(request.body()), schema);
	}

	/** The value's object properties are documented and the required ones present, recursively. */
	private static void conforms(String call, String where, JsonNode value, JsonNode schema) {
		schema = resolve(schema);
		if (value.isObject()) {
			JsonNode properties = schema.get("properties");
			assertThat(properties).as("%s: %s is an object in the document", call, where).isNotNull();
			Set<String> sent = new TreeSet<>(value.propertyNames());
			Set<String> documented = new TreeSet<>(properties.propertyNames());
			assertThat(documented).as("%s: properties of %s documented", call, where).containsAll(sent);
			JsonNode required = schema.get("required");
			if (required != null) {
				required.forEach(name -> assertThat(sent).as("%s: %s has required %s", call, where, name.asString())
					.contains(name.asString()));
			}
			for (String name : sent) {
				conforms(call, where + "." + name, value.get(name), properties.get(name));
			}
		}
		else if (value.isArray() && schema.has("items")) {
			for (JsonNode item : value) {
				conforms(call, where + "[]", item, schema.get("items"));
			}
		}
	}

	private static JsonNode resolve(JsonNode schema) {
		JsonNode ref = schema.get("$ref");
		if (ref == null) {
			return schema;
		}
		String name = ref.asString().substring(ref.asString().lastIndexOf('/') + 1);
		return document.get("components").get("schemas").get(name);
	}

	/** Calls {@code method} with plain arguments of its parameters' types (every optional one given). */
	private static Object invoke(StagedoorClient client, Method method) throws Exception {
		Type[] types = method.getGenericParameterTypes();
		Object[] arguments = new Object[types.length];
		for (int i = 0; i < types.length; i++) {
			arguments[i] = sample(types[i]);
		}
		try {
			return method.invoke(client, arguments);
		}
		catch (InvocationTargetException ex) {
			throw new AssertionError(method + " failed", ex.getCause());
		}
	}

	private static Object sample(Type type) {
		if (type == long.class || type == Long.class) {
			return 42L;
		}
		if (type == int.class || type == Integer.class) {
			return 2;
		}
		if (type == String.class) {
			return "v1";
		}
		if (type == Object.class) {
			return Map.of(); // a body of the caller's: the least one
		}
		if (type instanceof ParameterizedType parameterized) {
			Type raw = parameterized.getRawType();
			Type[] arguments = parameterized.getActualTypeArguments();
			if (raw == List.class) {
				return List.of(sample(arguments[0]));
			}
			if (raw == Map.class) {
				return Map.of(sample(arguments[0]), sample(arguments[1]));
			}
			if (raw == ParameterizedTypeReference.class) {
				return StagedoorClient.OBJECT_EVENTS;
			}
			if (raw == Consumer.class) {
				return null;
			}
		}
		if (type == StagedoorClient.Section.class) {
			return new StagedoorClient.Section("A", 1, 2, 100);
		}
		throw new IllegalStateException("no sample argument of " + type + ": add one");
	}

	private static void await(Object result) {
		if (result instanceof Mono<?> mono) {
			mono.block(Duration.ofSeconds(5));
		}
		else if (result instanceof Flux<?> flux) {
			flux.collectList().block(Duration.ofSeconds(5));
		}
		else {
			throw new IllegalStateException("a call of the client returns a Mono or a Flux, not " + result);
		}
	}

}
