package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.TestRecordKey;
import io.membership.testkit.ServiceProcess;

/**
 * The service as the fault scenarios run it: the jar {@code mvn -Pfaults verify} built,
 * in a schema of its own of the test database, with the tests' token secret and record
 * key, its data directory and log under {@link #directory()} (kept after the run for
 * diagnosis) and its working directory there too. Closing it kills it: a scenario is over
 * by then, and whatever it left behind is in its log.
 */
final class FaultServices {

	/** How long a start may take; the build machines are shared and often loaded. */
	static final Duration START_TIMEOUT = Duration.ofSeconds(240);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private FaultServices() {
	}

	/**
	 * A service on its own HTTP and management ports and data directory, in
	 * {@code schema} of the test database.
	 */
	static ServiceProcess.Builder builder(String name, FaultSchema schema) {
		Path dataDirectory = directory().resolve(name + "-" + System.currentTimeMillis());
		return ServiceProcess.builder(name, jar())
			// Start-up speed over peak speed, and one GC thread: the suite runs several
			// services on a small machine.
			.jvmArgs(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
					"-Ddisable-axoniq-console-message=true"))
			.dataDirectory(dataDirectory)
			.workingDirectory(dataDirectory)
			.database(schema.jdbcUrl(), schema.username(), schema.password(), schema.name())
			.jwtSecret(ApiClient.TEST_SECRET)
			// Instances sharing a Kafka cluster must sign and verify with one key.
			.recordKey(TestRecordKey.VALUE)
			.env("MEMBERSHIP_KAFKA_DELIVERY_TIMEOUT", "5s")
			.env("SPRING_MAIN_BANNER_MODE", "off")
			.startTimeout(START_TIMEOUT)
			.killOnClose();
	}

	/**
	 * The sum of a meter's series in the service's Prometheus scrape; a name with an
	 * opening brace and labels sums the series whose labels begin so. Fails if there is
	 * none.
	 */
	static double meter(ServiceProcess service, String name) {
		try {
			HttpResponse<String> scrape = HTTP
				.send(HttpRequest.newBuilder(URI.create(service.managementUrl() + "/actuator/prometheus"))
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
			double[] values = scrape.body()
				.lines()
				.filter((line) -> line.startsWith(name + " ") || line.startsWith(name + "{")
						|| (name.contains("{") && line.startsWith(name)))
				.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
				.toArray();
			assertThat(values).as("%s in the scrape", name).isNotEmpty();
			return Arrays.stream(values).sum();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** The jar {@code mvn package} built; the faults profile passes its path. */
	static Path jar() {
		String configured = System.getProperty("membership.jar");
		Path jar = (configured != null) ? Path.of(configured) : Path.of("target", "membership.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("The fault-injection tests start the service jar " + jar.toAbsolutePath()
					+ ", which does not exist: run them with mvn -Pfaults verify, which builds it first");
		}
		return jar.toAbsolutePath();
	}

	/** Where the suite keeps each service's data directory and log, and its report. */
	static Path directory() {
		return Path.of(System.getProperty("membership.faults.dir", "target/faults")).toAbsolutePath();
	}

}
