package io.membership.infra.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TopicReader;
import io.membership.query.feed.ProjectionConsumer;
import io.membership.topics.MembershipTopics;

/**
 * The query side's positions live in its own table, committed with the projection, where
 * Kafka's tools cannot see them; they are mirrored to a consumer group, so that
 * {@code kafka-consumer-groups.sh} and lag exporters show how far it is.
 */
@PostgresServiceTest
class ConsumerGroupOffsetsTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	JdbcClient jdbc;

	@Test
	void the_consumer_group_shows_the_positions_the_query_side_committed() throws Exception {
		TestOrganization organization = TestOrganization.create(this.port);
		organization.createWorkspace("Projected");
		TestOrganization.awaitMember(organization.owner(), organization.path(), organization.version());
		TopicPartition partition = new TopicPartition(MembershipTopics.EVENTS,
				TopicReader
					.read(this.broker.bootstrapServers(), MembershipTopics.EVENTS, organization.id(),
							(records) -> !records.isEmpty(), WAIT)
					.get(0)
					.partition());

		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers()))) {
			long deadline = System.nanoTime() + WAIT.toNanos();
			Map<TopicPartition, Long> group;
			Map<TopicPartition, Long> table;
			do {
				Thread.sleep(200);
				table = storedPositions();
				group = groupOffsets(admin);
			}
			while (!(group.containsKey(partition) && table.entrySet().containsAll(group.entrySet()))
					&& System.nanoTime() < deadline);

			assertThat(table).as("the positions table").containsKey(partition);
			assertThat(group).as("the offsets of consumer group %s", ProjectionConsumer.groupId("query-side"))
				.containsEntry(partition, table.get(partition));
			assertThat(table).as("the group shows no position the table does not hold").containsAllEntriesOf(group);
		}
	}

	private Map<TopicPartition, Long> storedPositions() {
		Map<TopicPartition, Long> positions = new HashMap<>();
		this.jdbc
			.sql("SELECT partition_id, next_offset FROM qs_consumer_positions WHERE consumer_name = ? AND topic = ?")
			.params("query-side", MembershipTopics.EVENTS)
			.query((row) -> {
				positions.put(new TopicPartition(MembershipTopics.EVENTS, row.getInt(1)), row.getLong(2));
			});
		return positions;
	}

	private static Map<TopicPartition, Long> groupOffsets(Admin admin) throws Exception {
		Map<TopicPartition, OffsetAndMetadata> committed = admin
			.listConsumerGroupOffsets(ProjectionConsumer.groupId("query-side"))
			.partitionsToOffsetAndMetadata()
			.get(10, TimeUnit.SECONDS);
		Map<TopicPartition, Long> offsets = new HashMap<>();
		committed.forEach((partition, offset) -> {
			if (offset != null && partition.topic().equals(MembershipTopics.EVENTS)) {
				offsets.put(partition, offset.offset());
			}
		});
		return offsets;
	}

}
