package dev.stagedoor.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The k6 library stays the load testers' client, written by hand in JavaScript; this keeps it
 * honest against the committed OpenAPI document ({@code docs/openapi.json}, itself checked
 * against the running service by {@link OpenApiDocumentTests}): every endpoint of
 * {@code k6/lib/stagedoor.js}'s {@code ENDPOINTS} table exists with its method, and every
 * status it treats as expected is one the document says the endpoint answers.
 */
class K6ContractTests {

	static final Path LIBRARY = Path.of("k6/lib/stagedoor.js");

	static final Pattern ENDPOINT = Pattern
		.compile("^\\s*'?([\\w-]+)'?: \\{ method: '(\\w+)', path: '([^']+)', ok: \\[([\\d, ]+)] },?$", Pattern.MULTILINE);

	record Endpoint(String name, String method, String path, List<String> ok) {
	}

	static List<Endpoint> endpoints() throws IOException {
		String source = Files.readString(LIBRARY);
		String table = source.substring(source.indexOf("const ENDPOINTS"), source.indexOf("});", source.indexOf("const ENDPOINTS")));
		List<Endpoint> endpoints = new ArrayList<>();
		Matcher m = ENDPOINT.matcher(table);
		while (m.find()) {
			endpoints.add(new Endpoint(m.group(1), m.group(2), m.group(3),
					Arrays.stream(m.group(4).split(",")).map(String::trim).toList()));
		}
		// every entry line of the table must have been read: a line the pattern misses is a test bug
		long entryLines = table.lines().filter(line -> line.contains("method:")).count();
		assertThat(endpoints).as("entries read from the ENDPOINTS table").hasSize((int) entryLines);
		return endpoints;
	}

	static String template(String path) {
		return path.replaceAll("\\{\\w+}", "{}");
	}

	@Test
	void everyK6EndpointIsDocumentedWithItsMethodAndExpectedStatuses() throws IOException {
		JsonNode document = JsonMapper.builder().build().readTree(Files.readString(OpenApiDocumentTests.COMMITTED));
		// path templates compared without their parameters' names ({id} in the document is {reservationId} in k6)
		Map<String, JsonNode> paths = new HashMap<>();
		document.get("paths").properties().forEach(entry -> paths.put(template(entry.getKey()), entry.getValue()));
		List<Endpoint> endpoints = endpoints();
		assertThat(endpoints).as("the table lists the API the scenarios use").hasSizeGreaterThanOrEqualTo(15);
		for (Endpoint endpoint : endpoints) {
			JsonNode path = paths.get(template(endpoint.path()));
			assertThat(path).as("k6 endpoint %s: path %s in docs/openapi.json", endpoint.name(), endpoint.path()).isNotNull();
			JsonNode operation = path.get(endpoint.method().toLowerCase(Locale.ROOT));
			assertThat(operation).as("k6 endpoint %s: %s %s documented", endpoint.name(), endpoint.method(), endpoint.path())
				.isNotNull();
			List<String> documented = new ArrayList<>();
			operation.get("responses").propertyNames().forEach(documented::add);
			assertThat(documented).as("k6 endpoint %s: statuses it expects", endpoint.name())
				.containsAll(endpoint.ok());
		}
	}

}
