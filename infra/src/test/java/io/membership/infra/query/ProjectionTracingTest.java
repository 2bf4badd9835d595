package io.membership.infra.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import io.membership.infra.MembershipApplication;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.TestOrganization;

/**
 * One trace from the command to the projection: the query side joins the trace context
 * each record carries ({@code ce_traceparent}), so the span of an event's projection is
 * in the trace of the request that produced it. Spans are collected by an exporter of the
 * test's own, as an operator's OTLP exporter would receive them.
 *
 * <p>
 * The service runs on its embedded default in a data directory of its own: a context with
 * an extra bean beside the shared test context would share its database with a broker of
 * its own, and the two publishers would take turns at one event stream.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProjectionTracingTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String TRACE_ID = "5e0c63257de34c92bf9efcd03927272e";

	@TempDir
	static Path dataDirectory;

	private static ConfigurableApplicationContext application;

	private static int port;

	private static Collector spans;

	@BeforeAll
	static void start() {
		application = new SpringApplicationBuilder(MembershipApplication.class, CollectedSpans.class).run(
				"--server.port=0", "--management.server.port=0", "--membership.data-dir=" + dataDirectory,
				"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=0",
				"--spring.main.banner-mode=off");
		port = application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		spans = application.getBean(Collector.class);
	}

	@AfterAll
	static void stop() {
		if (application != null) {
			application.close();
		}
	}

	@Test
	void an_events_projection_is_a_span_in_the_trace_of_the_request_that_produced_it() throws Exception {
		TestOrganization organization = TestOrganization.create(port);

		organization.recorded(organization.owner()
			.withHeader("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
			.post(organization.path() + "/workspaces", "{\"title\":\"Traced to the view\"}"));

		long deadline = System.nanoTime() + WAIT.toNanos();
		while (projectionsIn(TRACE_ID).isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(200);
		}
		assertThat(projectionsIn(TRACE_ID)).as("the projection's span, in the caller's trace")
			.singleElement()
			.satisfies((span) -> assertThat(span.getName()).isEqualTo("project membership.WorkspaceCreated.v1"));
		assertThat(spans.all()).as("the request's own span, parent of the projection's").anySatisfy((span) -> {
			assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
			assertThat(span.getSpanId()).isEqualTo(projectionsIn(TRACE_ID).get(0).getParentSpanId());
		});
	}

	private List<SpanData> projectionsIn(String traceId) {
		return spans.all()
			.stream()
			.filter((span) -> span.getTraceId().equals(traceId) && span.getName().startsWith("project "))
			.toList();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class CollectedSpans {

		@Bean
		Collector collector() {
			return new Collector();
		}

	}

	static final class Collector implements SpanExporter {

		private final List<SpanData> exported = new CopyOnWriteArrayList<>();

		List<SpanData> all() {
			return this.exported;
		}

		@Override
		public CompletableResultCode export(Collection<SpanData> spans) {
			this.exported.addAll(spans);
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode flush() {
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode shutdown() {
			return CompletableResultCode.ofSuccess();
		}

	}

}
