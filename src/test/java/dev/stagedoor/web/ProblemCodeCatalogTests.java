package dev.stagedoor.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ProblemCode} is the one catalog of problem codes: the README's table lists exactly its
 * rows (code, status, meaning), the README's list of error codes names exactly its codes, and
 * every code the production sources answer with ({@code HttpStatus.X, "some-code"}) is in it
 * with that status. So neither the README nor the OpenAPI document can drift from the code.
 */
class ProblemCodeCatalogTests {

	static final Path README = Path.of("README.md");

	static final Pattern TABLE_ROW = Pattern.compile("^\\| `([a-z]+(?:-[a-z]+)*)` \\| (\\d{3}) \\| (.+) \\|$");

	@Test
	void theReadmeTableListsExactlyTheCatalog() throws IOException {
		List<String> table = new ArrayList<>();
		boolean inTable = false;
		for (String line : Files.readAllLines(README)) {
			if (line.equals("| code | status | meaning |")) {
				inTable = true;
				continue;
			}
			if (inTable && line.startsWith("| --- ")) {
				continue;
			}
			if (inTable && !line.startsWith("|")) {
				break;
			}
			if (inTable) {
				Matcher row = TABLE_ROW.matcher(line);
				assertThat(row.matches()).as("a row of the README's problem-code table: " + line).isTrue();
				table.add(row.group(1) + " " + row.group(2) + " " + row.group(3));
			}
		}
		List<String> catalog = Arrays.stream(ProblemCode.values())
			.map(code -> code.code() + " " + code.status() + " " + code.meaning())
			.toList();
		assertThat(table).as("the README's problem-code table (left) and ProblemCode (right)")
			.containsExactlyElementsOf(catalog);
	}

	@Test
	void theReadmeListOfErrorCodesNamesExactlyTheCatalogsCodes() throws IOException {
		String readme = Files.readString(README);
		int start = readme.indexOf("Error codes so far:");
		assertThat(start).as("the README's list of error codes").isPositive();
		String paragraph = readme.substring(start, readme.indexOf("\n\n", start));
		Set<String> listed = new LinkedHashSet<>();
		Matcher code = Pattern.compile("`([a-z]+(?:-[a-z]+)+|[a-z]+)`").matcher(paragraph);
		while (code.find()) {
			listed.add(code.group(1));
		}
		assertThat(listed).containsExactlyInAnyOrderElementsOf(codes());
	}

	@Test
	void everyCodeTheSourcesAnswerWithIsInTheCatalogWithItsStatus() throws IOException {
		Pattern use = Pattern.compile("HttpStatus\\.([A-Z_]+),\\s*\"([a-z]+(?:-[a-z]+)*)\"");
		List<String> uses = new ArrayList<>();
		try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
			for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
				Matcher matcher = use.matcher(Files.readString(source));
				while (matcher.find()) {
					int status = HttpStatus.valueOf(matcher.group(1)).value();
					uses.add(matcher.group(2) + " " + status);
					assertThat(ProblemCode.of(matcher.group(2)))
						.as(source + " answers " + matcher.group(2) + ", which is not in ProblemCode")
						.hasValueSatisfying(known -> assertThat(known.status()).as(matcher.group(2)).isEqualTo(status));
				}
			}
		}
		// the scan does find the answers (a changed call style would otherwise pass silently)
		assertThat(uses).contains("seat-unavailable 409", "insufficient-points 402", "idempotency-key-reused 422",
				"unauthorized 401", "not-in-queue 404", "validation-failed 400", "payload-too-large 413");
	}

	static List<String> codes() {
		return Arrays.stream(ProblemCode.values()).map(ProblemCode::code).toList();
	}

}
