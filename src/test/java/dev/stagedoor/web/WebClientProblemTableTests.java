package dev.stagedoor.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web client shows every problem `code` the API documents as a sentence: its table
 * (static/js/problems.js) has exactly the codes of {@link ProblemCode}, each with a sentence
 * that is not the catalog's own developer text.
 */
class WebClientProblemTableTests {

	static final Pattern ENTRY = Pattern.compile("^\\t'([a-z-]+)': '(.+)',$", Pattern.MULTILINE);

	@Test
	void theWebClientHasASentenceForEveryDocumentedProblemCodeAndNoOther() throws IOException {
		String table = Files.readString(Path.of("src/main/resources/static/js/problems.js"));
		Matcher entries = ENTRY.matcher(table);
		java.util.Map<String, String> sentences = new java.util.HashMap<>();
		while (entries.find()) {
			assertThat(sentences.put(entries.group(1), entries.group(2))).as("duplicate " + entries.group(1)).isNull();
		}
		Set<String> catalog = Arrays.stream(ProblemCode.values()).map(ProblemCode::code).collect(Collectors.toSet());
		assertThat(sentences.keySet()).containsExactlyInAnyOrderElementsOf(catalog);
		for (ProblemCode code : ProblemCode.values()) {
			assertThat(sentences.get(code.code())).as(code.code()).endsWith(".").doesNotContain("`").isNotEqualTo(code.meaning());
		}
	}

}
