package dev.stagedoor.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.method.HandlerMethod;

import dev.stagedoor.web.OpenApiConfiguration.Schemas;

/**
 * Turns the {@link ApiDoc} annotations of each handler into its operation's responses, then
 * adds to every {@code /api} operation what follows from the API's rules rather than from the
 * handler: the security alternatives (bearer; on {@code GET …/stream} also a stream ticket),
 * the problem codes every call can answer (401, 406, 500, 503; 403 under {@code /api/admin};
 * 400, 413 and 415 with inputs), one problem response per status listing its codes, and the
 * meaning of the request headers.
 */
class ApiDocCustomizer implements OperationCustomizer, OpenApiCustomizer {

	static final String PROBLEM_CODES = "x-problem-codes";

	static final String SSE_EVENTS = "x-sse-events";

	private static final String JSON = "application/json";

	private static final String PROBLEM_JSON = "application/problem+json";

	private static final String EVENT_STREAM = "text/event-stream";

	/** The schemas the annotations name, added to the components once all operations are read. */
	private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

	/** The request bodies' types, whose constraints {@link ConstraintSchemas} writes into their schemas. */
	private final Set<Class<?>> requestBodies = ConcurrentHashMap.newKeySet();

	@Override
	public Operation customize(Operation operation, HandlerMethod handler) {
		operation.setOperationId(operationId(handler));
		for (MethodParameter parameter : handler.getMethodParameters()) {
			if (parameter.hasParameterAnnotation(RequestBody.class)) {
				this.requestBodies.add(parameter.getParameterType());
			}
		}
		ConstraintSchemas.applyEnumNames(operation, handler);
		ApiDoc.Answer[] answers = handler.getMethod().getAnnotationsByType(ApiDoc.Answer.class);
		if (answers.length > 0) {
			ApiResponses responses = successesRemoved(operation);
			for (ApiDoc.Answer answer : answers) {
				ApiResponse response = new ApiResponse().description(answer.description());
				if (answer.body() != Void.class) {
					response.content(new Content().addMediaType(JSON,
							new MediaType().schema(schemaOf(answer.body(), answer.array()))));
				}
				for (String header : answer.headers()) {
					if (!OpenApiConfiguration.RESPONSE_HEADERS.containsKey(header)) {
						throw new IllegalStateException("No description of the response header " + header);
					}
					response.addHeaderObject(header, new Header().$ref("#/components/headers/" + header));
				}
				responses.addApiResponse(String.valueOf(answer.status()), response);
			}
		}
		ApiDoc.EventStream stream = handler.getMethodAnnotation(ApiDoc.EventStream.class);
		if (stream != null) {
			describeStream(operation, stream);
		}
		ApiDoc.Problems problems = handler.getMethodAnnotation(ApiDoc.Problems.class);
		if (problems != null) {
			operation.addExtension(PROBLEM_CODES, Arrays.stream(problems.value()).map(ProblemCode::code).toList());
		}
		return operation;
	}

	@Override
	public void customise(OpenAPI openApi) {
		// springdoc keeps only the schemas it found itself from the OpenAPI bean's components
		openApi.getComponents().addSchemas(OpenApiConfiguration.PROBLEM, OpenApiConfiguration.problemSchema());
		this.schemas.forEach(openApi.getComponents()::addSchemas);
		for (ProblemCode code : ProblemCode.values()) {
			openApi.getComponents().addExamples(code.code(), example(code));
		}
		openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
			if (path.startsWith("/api/")) {
				completeApiOperation(path, method, operation);
			}
		}));
		removeUnusedSchemas(openApi);
		openApi.getComponents().getSchemas().values().forEach(ConstraintSchemas::tighten);
		this.requestBodies.forEach(type -> ConstraintSchemas.applyNotEmpty(openApi.getComponents().getSchemas(), type));
	}

	private void completeApiOperation(String path, PathItem.HttpMethod method, Operation operation) {
		boolean stream = method == PathItem.HttpMethod.GET && path.endsWith("/stream");
		operation.setSecurity(new ArrayList<>(List.of(new SecurityRequirement().addList(OpenApiConfiguration.BEARER))));
		if (stream) {
			operation.addSecurityItem(new SecurityRequirement().addList(OpenApiConfiguration.STREAM_TICKET));
		}
		List<Parameter> parameters = operation.getParameters() == null ? new ArrayList<>()
				: new ArrayList<>(operation.getParameters());
		if (operation.getResponses().containsKey("304")
				&& parameters.stream().noneMatch(p -> "If-None-Match".equals(p.getName()))) {
			parameters.add(new HeaderParameter().name("If-None-Match").schema(Schemas.of("string")));
		}
		if (method == PathItem.HttpMethod.GET && path.startsWith("/api/schedules/")
				&& parameters.stream().noneMatch(p -> "Queue-Token".equals(p.getName()))) {
			// read by the overload limiter, not by the handler (LoadShedding)
			parameters.add(new HeaderParameter().name("Queue-Token")
				.schema(Schemas.of("string"))
				.description("Optional: the admission token of an admitted fan (as for holds). With a genuine one the read "
						+ "runs as admitted work when the service sheds load (see `overloaded`); nothing else changes, "
						+ "and a token that is not genuine is ignored."));
		}
		for (Parameter parameter : parameters) {
			String meaning = OpenApiConfiguration.REQUEST_HEADERS.get(parameter.getName());
			if ("header".equals(parameter.getIn()) && meaning != null && parameter.getDescription() == null) {
				parameter.description(meaning);
				if ("Idempotency-Key".equals(parameter.getName())) {
					parameter.required(true);
					parameter.getSchema().minLength(1).maxLength(255);
				}
			}
		}
		operation.setParameters(parameters.isEmpty() ? null : parameters);
		Set<ProblemCode> codes = new LinkedHashSet<>();
		Object own = operation.getExtensions() == null ? null : operation.getExtensions().get(PROBLEM_CODES);
		if (own instanceof List<?> list) {
			list.forEach(code -> codes.add(ProblemCode.of((String) code).orElseThrow()));
		}
		codes.add(ProblemCode.UNAUTHORIZED);
		if (path.startsWith("/api/admin/")) {
			codes.add(ProblemCode.FORBIDDEN);
		}
		boolean body = operation.getRequestBody() != null;
		if (body || parameters.stream().anyMatch(ApiDocCustomizer::isConverted)) {
			codes.add(ProblemCode.VALIDATION_FAILED);
		}
		if (body) {
			codes.add(ProblemCode.PAYLOAD_TOO_LARGE);
			codes.add(ProblemCode.UNSUPPORTED_MEDIA_TYPE);
		}
		codes.add(ProblemCode.NOT_ACCEPTABLE);
		codes.add(ProblemCode.INTERNAL_ERROR);
		codes.add(ProblemCode.UNAVAILABLE);
		if (!path.startsWith("/api/admin/")) {
			codes.add(ProblemCode.OVERLOADED); // LoadShedding: every lane but admin calls
		}
		List<ProblemCode> sorted = codes.stream().sorted(Comparator.comparingInt(ProblemCode::status)).toList();
		operation.addExtension(PROBLEM_CODES, sorted.stream().map(ProblemCode::code).toList());
		Map<Integer, List<ProblemCode>> byStatus = sorted.stream()
			.collect(Collectors.groupingBy(ProblemCode::status, TreeMap::new, Collectors.toList()));
		byStatus.forEach((status, ofStatus) -> operation.getResponses()
			.addApiResponse(String.valueOf(status), problemResponse(ofStatus)));
	}

	/** A parameter Spring converts from text (a number): a malformed one answers 400. */
	private static boolean isConverted(Parameter parameter) {
		Schema<?> schema = parameter.getSchema();
		Set<String> types = schema == null ? null : schema.getTypes();
		return types != null && (types.contains("integer") || types.contains("number"));
	}

	private static ApiResponse problemResponse(List<ProblemCode> codes) {
		Schema<Object> schema = new Schema<>();
		schema.addAllOfItem(Schemas.ref(OpenApiConfiguration.PROBLEM));
		schema.addProperty("code", Schemas.<String>of("string")._enum(codes.stream().map(ProblemCode::code).toList()));
		MediaType media = new MediaType().schema(schema);
		for (ProblemCode code : codes) {
			media.addExamples(code.code(), new Example().$ref("#/components/examples/" + code.code()));
		}
		ApiResponse response = new ApiResponse()
			.description(codes.stream().map(c -> "`" + c.code() + "`: " + c.meaning()).collect(Collectors.joining("\n\n")))
			.content(new Content().addMediaType(PROBLEM_JSON, media));
		if (codes.contains(ProblemCode.UNAVAILABLE) || codes.contains(ProblemCode.OVERLOADED)) {
			response.addHeaderObject("Retry-After", new Header().$ref("#/components/headers/Retry-After"));
		}
		return response;
	}

	private static Example example(ProblemCode code) {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("type", "https://stagedoor.dev/problems/" + code.code());
		value.put("title", HttpStatus.valueOf(code.status()).getReasonPhrase());
		value.put("status", code.status());
		value.put("detail", code.meaning());
		value.put("code", code.code());
		return new Example().summary(code.code() + " (" + code.status() + ")").value(value);
	}

	private void describeStream(Operation operation, ApiDoc.EventStream stream) {
		List<Map<String, Object>> events = new ArrayList<>();
		StringBuilder text = new StringBuilder(stream.description()).append("\n\n| event | data | meaning |\n| --- | --- | --- |");
		for (ApiDoc.Event event : stream.value()) {
			String name = schemaName(event.data());
			Map<String, Object> described = new LinkedHashMap<>();
			described.put("event", event.name());
			described.put("description", event.description());
			described.put("data", schemaOf(event.data(), event.array()));
			events.add(described);
			text.append("\n| `").append(event.name()).append("` | ").append(event.array() ? name + "[]" : name)
				.append(" | ").append(event.description()).append(" |");
		}
		operation.setDescription(text.toString());
		operation.addExtension(SSE_EVENTS, events);
		ApiResponses responses = successesRemoved(operation);
		responses.addApiResponse("200", new ApiResponse()
			.description("The event stream: `event:` names the event, `data:` is its JSON (schemas in `x-sse-events`).")
			.content(new Content().addMediaType(EVENT_STREAM, new MediaType().schema(Schemas.of("string")
				.description("text/event-stream frames; see the operation's description and x-sse-events.")))));
	}

	private static ApiResponses successesRemoved(Operation operation) {
		ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
		responses.keySet().removeIf(status -> status.startsWith("2") || status.startsWith("3") || status.equals("default"));
		operation.setResponses(responses);
		return responses;
	}

	/** The schema of a body or an event's data: a reference to the type's named schema, or an array of them. */
	private Schema<?> schemaOf(Class<?> type, boolean array) {
		ResolvedSchema resolved = ModelConverters.getInstance(true)
			.resolveAsResolvedSchema(new AnnotatedType(type).resolveAsRef(true));
		resolved.referencedSchemas.forEach(this.schemas::putIfAbsent);
		Schema<?> ref = Schemas.ref(schemaName(type));
		if (!array) {
			return ref;
		}
		Schema<Object> schema = Schemas.of("array");
		schema.setItems(ref);
		return schema;
	}

	private static String schemaName(Class<?> type) {
		return type.getSimpleName();
	}

	private static String operationId(HandlerMethod handler) {
		String type = handler.getBeanType().getSimpleName().replaceFirst("Controller$", "");
		String method = handler.getMethod().getName();
		return Character.toLowerCase(type.charAt(0)) + type.substring(1) + Character.toUpperCase(method.charAt(0))
				+ method.substring(1);
	}

	/** Drops component schemas nothing refers to any more (springdoc's guesses that the annotations replaced). */
	private static void removeUnusedSchemas(OpenAPI openApi) {
		Map<String, Schema> all = openApi.getComponents().getSchemas();
		if (all == null) {
			return;
		}
		boolean removed = true;
		while (removed) {
			String json;
			try {
				json = Json31.mapper().writeValueAsString(openApi);
			}
			catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
				throw new IllegalStateException(ex);
			}
			removed = all.keySet().removeIf(name -> !json.contains("\"#/components/schemas/" + name + "\""));
		}
	}

}
