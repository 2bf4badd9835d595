package io.membership.infra.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.audit.chain.HashChain;
import io.membership.events.json.MembershipJson;
import io.membership.events.ids.OrganizationId;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestDatabase;

/**
 * An export of 100,000 events streams through a database cursor with flat memory: the
 * service's heap (it runs in this JVM) grows by far less than what it sends.
 *
 * <p>
 * The events are written straight into the event table and the hash chain
 * ({@link SyntheticHistory}).
 */
@PostgresServiceTest
class AuditExportMemoryTest {

	static final int EVENTS = 100_000;

	private static String organization;

	@LocalServerPort
	int port;

	@BeforeEach
	void aLongHistory() throws SQLException {
		synchronized (AuditExportMemoryTest.class) {
			if (organization == null) {
				organization = insertHistory();
			}
		}
	}

	/** One organization with {@value #EVENTS} role changes, written by JDBC batches. */
	private static String insertHistory() throws SQLException {
		// Read over HTTP, so an id of the shape the service issues (a path with any other
		// is refused before it is looked up).
		String org = OrganizationId.generate().value();
		TestDatabase database = TestDatabase.get();
		long started = System.nanoTime();
		try (Connection connection = DriverManager.getConnection(database.jdbcUrl() + "&reWriteBatchedInserts=true",
				database.username(), database.password())) {
			SyntheticHistory.insert(connection, org, EVENTS);
		}
		System.out.printf("AuditExportMemoryTest: inserted %,d events in %,d ms%n", EVENTS,
				Duration.ofNanos(System.nanoTime() - started).toMillis());
		return org;
	}

	@Test
	void an_export_of_100000_events_streams_in_order_with_flat_memory() throws Exception {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		System.gc();
		long baseline = memory.getHeapMemoryUsage().getUsed();
		AtomicLong peak = new AtomicLong(baseline);
		AtomicLong samples = new AtomicLong();
		AtomicBoolean streaming = new AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (streaming.get()) {
				System.gc();
				peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
				samples.incrementAndGet();
				AuditTrail.sleep(100);
			}
		}, "heap-sampler");

		long started = System.nanoTime();
		sampler.start();
		Stream read;
		try {
			read = readExport(0);
		}
		finally {
			streaming.set(false);
			sampler.join();
		}
		long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
		long growth = peak.get() - baseline;
		System.out.printf(
				"AuditExportMemoryTest: streamed %,d lines, %,d bytes in %,d ms; heap baseline %,d, peak %,d "
						+ "(growth %,d bytes = %.1f%% of the export) over %d samples%n",
				read.lines(), read.bytes(), millis, baseline, peak.get(), growth, 100.0 * growth / read.bytes(),
				samples.get());

		assertThat(read.lines()).isEqualTo(EVENTS);
		assertThat(read.bytes()).isGreaterThan(EVENTS * 400L);
		assertThat(samples.get()).as("the heap was sampled while the export streamed").isGreaterThanOrEqualTo(3);
		assertThat(growth).as("heap growth while streaming %,d bytes", read.bytes()).isLessThan(read.bytes() / 4);
	}

	/**
	 * Reads the export line by line as it arrives, never holding more than a line: counts
	 * lines and bytes, and checks that versions rise by one and every line links to the
	 * one before.
	 */
	private Stream readExport(long pauseMillisEveryThousand) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI
				.create("http://localhost:" + this.port + "/api/organizations/" + organization + "/audit/events"))
			.header("Authorization",
					"Bearer " + ApiClient.token("900002", AuditTrail.AUDIT_SCOPE, Instant.now().plusSeconds(600),
							ApiClient.TEST_SECRET))
			.build();
		HttpResponse<InputStream> response = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.build()
			.send(request, HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		long lines = 0;
		long bytes = 0;
		String previousHash = HashChain.GENESIS;
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				lines++;
				bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
				JsonNode event = MembershipJson.mapper().readTree(line);
				assertThat(event.path("version").asLong()).isEqualTo(lines);
				assertThat(event.path("prev_hash").asString()).isEqualTo(previousHash);
				assertThat(event.path("type").asString()).isEqualTo(SyntheticHistory.TYPE_NAME);
				previousHash = event.path("hash").asString();
				if (pauseMillisEveryThousand > 0 && lines % 1_000 == 0) {
					AuditTrail.sleep(pauseMillisEveryThousand);
				}
			}
		}
		return new Stream(lines, bytes);
	}

	@Test
	void a_reader_slower_than_the_servlet_containers_default_async_timeout_still_gets_every_line() throws Exception {
		// 100 pauses of 350 ms: the export takes well over 30 s, Tomcat's default
		// timeout for asynchronous requests, while no single pause is long.
		long started = System.nanoTime();
		Stream read = readExport(350);
		long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
		System.out.printf("AuditExportMemoryTest: a slow reader got %,d lines in %,d ms%n", read.lines(), millis);

		assertThat(millis).isGreaterThan(32_000);
		assertThat(read.lines()).isEqualTo(EVENTS);
	}

	/** What an export delivered. */
	record Stream(long lines, long bytes) {
	}

}
