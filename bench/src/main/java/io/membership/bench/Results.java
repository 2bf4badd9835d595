package io.membership.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The run's figures: {@code bench-results.json} (every figure, each key's value, baseline
 * and goal) and {@code bench-results.md} (the table docs/PERFORMANCE.md shows).
 */
final class Results {

	private final Map<String, Object> root = new LinkedHashMap<>();

	private final Map<String, Object> keys = new LinkedHashMap<>();

	private final Map<String, Object> details = new LinkedHashMap<>();

	private final List<String[]> rows = new ArrayList<>();

	Results(BenchSettings settings) {
		this.root.put("mode", settings.mode());
		this.root.put("keys", this.keys);
		this.root.put("details", this.details);
	}

	void put(String name, Object value) {
		this.root.put(name, value);
	}

	Map<String, Object> section(String name) {
		@SuppressWarnings("unchecked")
		Map<String, Object> section = (Map<String, Object>) this.details.computeIfAbsent(name,
				(key) -> new LinkedHashMap<String, Object>());
		return section;
	}

	/**
	 * A key figure: its value, what it was compared with, and the goal (null if none).
	 * @param atMost whether the goal is an upper bound
	 */
	void key(String name, double value, String measured, String baseline, Double goal, boolean atMost) {
		Map<String, Object> key = new LinkedHashMap<>();
		key.put("value", Load.round(value));
		key.put("measured", measured);
		key.put("baseline", baseline);
		if (goal != null) {
			key.put("goal", (atMost ? "<= " : ">= ") + goal);
			key.put("met", atMost ? value <= goal : value >= goal);
		}
		this.keys.put(name, key);
		String goalText = (goal != null) ? (atMost ? "≤ " : "≥ ") + format(goal) : "";
		String met = (goal != null) ? ((atMost ? value <= goal : value >= goal) ? "met" : "**missed**") : "";
		this.rows.add(new String[] { "`" + name + "`", format(value), measured, baseline, goalText, met });
	}

	void write(Path out) {
		try {
			Files.createDirectories(out);
			JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
			Files.writeString(out.resolve("bench-results.json"), json.writeValueAsString(this.root) + "\n");
			Files.writeString(out.resolve("bench-results.md"), markdown());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String markdown() {
		StringBuilder table = new StringBuilder();
		table.append("| key | value | measured | baseline | goal | |\n| --- | --- | --- | --- | --- | --- |\n");
		for (String[] row : this.rows) {
			table.append("| ").append(String.join(" | ", row)).append(" |\n");
		}
		return table.toString();
	}

	static String format(double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e15) {
			return String.format(Locale.ROOT, "%,d", (long) value);
		}
		return String.format(Locale.ROOT, (Math.abs(value) < 10) ? "%.3f" : "%,.1f", value);
	}

}
