package io.membership.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;

/**
 * A request's W3C trace context travels with the events it produced, through the event
 * store and the publisher's own threads, onto their Kafka records as the CloudEvents
 * distributed-tracing extension ({@code ce_traceparent}): a subscriber's spans join the
 * caller's trace.
 */
@PostgresServiceTest
class TraceParentPublishingTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Test
	void a_command_sent_with_a_traceparent_is_published_in_the_same_trace() {
		TestOrganization organization = TestOrganization.create(this.port);
		Answer created = organization.owner()
			.withHeader("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
			.post(organization.path() + "/workspaces", "{\"title\":\"Traced\"}");
		organization.recorded(created);
		Answer untraced = organization.owner()
			.post(organization.path() + "/workspaces", "{\"title\":\"In a trace of its own\"}");
		organization.recorded(untraced);

		List<ConsumerRecord<String, byte[]>> records = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.EVENTS, organization.id(),
				(read) -> read.stream().anyMatch((record) -> TopicReader.orgVersion(record) == 3), WAIT);

		String traced = traceParentOf(records, 2);
		assertThat(traced).as("the workspace created in the caller's trace")
			.matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01");
		assertThat(traceParentOf(records, 3)).as("a request without one gets a trace of its own")
			.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
			.doesNotContain(TRACE_ID);
	}

	private static String traceParentOf(List<ConsumerRecord<String, byte[]>> records, long version) {
		return records.stream()
			.filter((record) -> TopicReader.orgVersion(record) == version)
			.map((record) -> TopicReader.headers(record).get("ce_traceparent"))
			.findFirst()
			.orElseThrow();
	}

}
