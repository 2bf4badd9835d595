package io.membership.infra.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.membership.infra.MembershipApplication;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.TestOrganization;

/**
 * The OTLP span exporter the service ships: off unless its endpoint is configured, and
 * then a command's spans, in the trace of the request's {@code traceparent}, reach an
 * OTLP/HTTP receiver (here a JDK HTTP server taking {@code POST /v1/traces}; the body is
 * OTLP protobuf, in which a span's trace id is its 16 raw bytes and its name plain
 * UTF-8).
 *
 * <p>
 * Each service runs on its embedded default in a data directory of its own, as in
 * {@code ProjectionTracingTest}: a second context on the shared test schema would have
 * two publishers take turns at one event stream.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OtlpExportTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	@TempDir
	static Path dataDirectory;

	private static HttpServer receiver;

	private static final List<Received> received = new CopyOnWriteArrayList<>();

	private record Received(String method, String path, String contentType, byte[] body) {
	}

	@BeforeAll
	static void startReceiver() throws IOException {
		receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/", OtlpExportTest::receive);
		receiver.setExecutor(Executors.newSingleThreadExecutor());
		receiver.start();
	}

	private static void receive(HttpExchange exchange) throws IOException {
		try (InputStream body = exchange.getRequestBody()) {
			received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
					exchange.getRequestHeaders().getFirst("Content-Type"), body.readAllBytes()));
		}
		// An empty ExportTraceServiceResponse: everything accepted.
		exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
		exchange.sendResponseHeaders(200, -1);
		exchange.close();
	}

	@AfterAll
	static void stopReceiver() {
		receiver.stop(0);
	}

	private static ConfigurableApplicationContext service(String... more) {
		String[] arguments = { "--server.port=0", "--management.server.port=0",
				"--membership.data-dir=" + dataDirectory.resolve("d" + System.nanoTime()),
				"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=0",
				"--spring.main.banner-mode=off" };
		String[] all = new String[arguments.length + more.length];
		System.arraycopy(arguments, 0, all, 0, arguments.length);
		System.arraycopy(more, 0, all, arguments.length, more.length);
		return new SpringApplicationBuilder(MembershipApplication.class).run(all);
	}

	private static int port(ConfigurableApplicationContext service) {
		return service.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@Test
	void with_an_endpoint_configured_a_commands_spans_reach_it_in_the_callers_trace() throws Exception {
		String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces";
		try (ConfigurableApplicationContext service = service(
				"--management.opentelemetry.tracing.export.otlp.endpoint=" + endpoint,
				"--management.opentelemetry.tracing.export.schedule-delay=200ms")) {
			TestOrganization organization = TestOrganization.create(port(service));

			organization.recorded(organization.owner()
				.withHeader("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
				.post(organization.path() + "/workspaces", "{\"title\":\"Exported\"}"));

			byte[] traceId = HexFormat.of().parseHex(TRACE_ID);
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (!(anyContains(traceId, "/workspaces") && anyContains(traceId, "project membership."))
					&& System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			assertThat(received).as("OTLP/HTTP export requests").isNotEmpty().allSatisfy((request) -> {
				assertThat(request.method()).isEqualTo("POST");
				assertThat(request.path()).isEqualTo("/v1/traces");
				assertThat(request.contentType()).isEqualTo("application/x-protobuf");
			});
			assertThat(anyContains(traceId, "/workspaces"))
				.as("the request's span, in the trace of its traceparent, was exported")
				.isTrue();
			assertThat(anyContains(traceId, "project membership.WorkspaceCreated.v1"))
				.as("and so was the projection of the event it produced, in the same trace")
				.isTrue();
		}
	}

	@Test
	void without_an_endpoint_there_is_no_exporter_and_commands_work_as_ever() {
		int before = received.size();
		try (ConfigurableApplicationContext service = service()) {
			assertThat(service.getBeanNamesForType(OtlpHttpSpanExporter.class)).isEmpty();
			assertThat(service.getBeanNamesForType(OtlpGrpcSpanExporter.class)).isEmpty();
			TestOrganization organization = TestOrganization.create(port(service));

			organization.recorded(organization.owner()
				.withHeader("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
				.post(organization.path() + "/workspaces", "{\"title\":\"Not exported\"}"));
		}
		assertThat(received).as("nothing sent anywhere").hasSize(before);
	}

	/** Whether one export request holds the trace id's bytes and this text. */
	private static boolean anyContains(byte[] traceId, String text) {
		byte[] name = text.getBytes(StandardCharsets.UTF_8);
		return received.stream()
			.anyMatch((request) -> indexOf(request.body(), traceId) >= 0 && indexOf(request.body(), name) >= 0);
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
