package io.membership.infra.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures each scenario measured, logged and appended to
 * {@code target/faults/report.md}, from which the README's figures are taken.
 */
final class FaultReport {

	private static final Logger logger = LoggerFactory.getLogger(FaultReport.class);

	private FaultReport() {
	}

	static void record(String scenario, String figure, Object... arguments) {
		String line = "- [" + scenario + "] " + figure.formatted(arguments);
		logger.info("FAULTS {}", line);
		Path report = FaultServices.directory().resolve("report.md");
		try {
			Files.createDirectories(report.getParent());
			if (!Files.exists(report)) {
				Files.writeString(report, "# Fault injection run of " + Instant.now() + "\n\n", StandardCharsets.UTF_8);
			}
			Files.writeString(report, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
