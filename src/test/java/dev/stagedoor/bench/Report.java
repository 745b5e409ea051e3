package dev.stagedoor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes the benchmark's JSON and an HTML page with an inline SVG chart (no libraries). */
final class Report {

	private static final List<String> COLOURS = List.of("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
			"#8c564b", "#e377c2", "#17becf", "#7f7f7f");

	private Report() {
	}

	static void write(Path directory, Map<String, Object> report, Map<String, int[]> throughput) throws IOException {
		Files.createDirectories(directory);
		JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
		Files.writeString(directory.resolve("drop-report.json"), json.writeValueAsString(report));
		StringBuilder html = new StringBuilder("""
				<!doctype html><html><head><meta charset="utf-8"><title>Stagedoor drop benchmark</title>
				<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
				td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}
				pre{background:#f8f8f8;padding:1em}</style></head><body>
				<h1>Stagedoor ticket-drop benchmark</h1>
				""");
		html.append("<h2>Requests finished per second</h2>").append(chart(throughput));
		html.append("<h2>Result</h2><pre>").append(escape(json.writeValueAsString(report))).append("</pre>");
		html.append("</body></html>\n");
		Files.writeString(directory.resolve("drop-report.html"), html.toString());
	}

	private static String chart(Map<String, int[]> series) {
		int width = 900;
		int height = 320;
		int left = 50;
		int bottom = 30;
		int seconds = series.values().stream().mapToInt(values -> values.length).max().orElse(1);
		int peak = Math.max(1, series.values().stream().flatMapToInt(java.util.Arrays::stream).max().orElse(1));
		StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
				"<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'>", width + 200, height + bottom + 10));
		svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#000'/>", left, height,
				left + width, height));
		svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='0' x2='%d' y2='%d' stroke='#000'/>", left, left,
				height));
		for (int tick = 0; tick <= 4; tick++) {
			int value = peak * tick / 4;
			int y = height - height * tick / 4;
			svg.append(String.format(Locale.ROOT, "<text x='2' y='%d' font-size='11'>%d</text>", y, value));
		}
		for (int second = 0; second < seconds; second += Math.max(1, seconds / 10)) {
			int x = left + width * second / Math.max(1, seconds - 1);
			svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11'>%ds</text>", x, height + 15,
					second));
		}
		int index = 0;
		for (Map.Entry<String, int[]> entry : series.entrySet()) {
			String colour = COLOURS.get(index % COLOURS.size());
			StringBuilder points = new StringBuilder();
			int[] values = entry.getValue();
			for (int second = 0; second < values.length; second++) {
				points.append(String.format(Locale.ROOT, "%.1f,%.1f ",
						left + width * second / (double) Math.max(1, seconds - 1),
						height - height * values[second] / (double) peak));
			}
			svg.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='1.5' points='%s'/>",
					colour, points));
			svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='12' fill='%s'>%s</text>",
					left + width + 10, 15 + 16 * index, colour, escape(entry.getKey())));
			index++;
		}
		return svg.append("</svg>").toString();
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

}
