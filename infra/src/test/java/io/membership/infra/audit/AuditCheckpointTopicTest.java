package io.membership.infra.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;

/**
 * A checkpoint taken over REST is published on {@code membership.audit-checkpoints.v1} as
 * the AsyncAPI document describes it: keyed by the organization, its value exactly the
 * checkpoint the REST answer carries, so an auditor may keep either.
 */
@PostgresServiceTest
class AuditCheckpointTopicTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	KafkaBootstrapServers bootstrapServers;

	@Test
	void a_checkpoint_reaches_the_topic_exactly_as_the_api_answered_it() {
		TestOrganization organization = TestOrganization.create(this.port);
		organization.createWorkspace("Checked");
		Answer taken = organization.owner().post(organization.path() + "/audit/checkpoints", "{}");
		assertThat(taken.status()).as(taken.toString()).isEqualTo(200);
		JsonNode checkpoint = taken.json();
		assertThat(checkpoint.get("version").asLong()).isEqualTo(organization.version());

		List<ConsumerRecord<String, byte[]>> records = TopicReader.read(this.bootstrapServers.value(),
				MembershipTopics.CHECKPOINTS, organization.id(), (read) -> !read.isEmpty(), Duration.ofSeconds(30));
		assertThat(records).hasSize(1);
		JsonNode published = JSON.readTree(new String(records.get(0).value(), StandardCharsets.UTF_8));
		assertThat(published).isEqualTo(checkpoint);
		assertThat(published.propertyNames()).containsExactlyInAnyOrder("organization_id", "version", "hash",
				"signed_at", "key_id", "signature");
	}

}
