package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.queries.StoredEvents.StoredEvent;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestRecordKey;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;

/**
 * The activity log holds every stored event of an organization exactly once, in version
 * order 1..N with the stored event ids, even after the running service was handed every
 * record of the organization a second (and third) time, as an at-least-once topic may.
 * There is no activity-log endpoint yet, so this reads {@code qs_activity_log}, the table
 * the endpoint will answer from.
 */
@PostgresServiceTest
class ActivityLogOnceTest {

	@LocalServerPort
	int port;

	@Autowired
	KafkaBootstrapServers bootstrapServers;

	@Autowired
	JdbcClient jdbc;

	@Test
	void every_stored_event_appears_once_in_the_activity_log_even_after_duplicates_were_delivered() throws Exception {
		BusyOrganization organization = BusyOrganization.drive(this.port);
		organization.awaitQuerySide();
		ProjectionTables live = ProjectionTables.live();
		try {
			Map<String, List<List<Object>>> before = live.snapshot(List.of(organization.id()), ProjectionTables.TABLES);
			redeliverEverythingOf(organization.id());
			redeliverEverythingOf(organization.id());
			assertThat(live.snapshot(List.of(organization.id()), ProjectionTables.TABLES))
				.as("duplicates delivered to the running service change no projection")
				.isEqualTo(before);
		}
		finally {
			live.close();
		}

		String path = organization.path();
		long member = this.jdbc.sql("SELECT MIN(user_id) FROM qs_members WHERE organization_id = ? AND role = 'MA'")
			.param(organization.id())
			.query(Long.class)
			.single();
		assertThat(organization.owner().post(path + "/memberships/" + member + "/role", "{\"role\":\"RE\"}").status())
			.isEqualTo(200);
		assertThat(organization.owner().post(path + "/memberships/" + member + "/role", "{\"role\":\"AN\"}").status())
			.isEqualTo(200);
		redeliverEverythingOf(organization.id());
		long last = organization.version() + 2;
		assertThat(organization.owner()
			.get(path + "/permissions/check?user_id=" + member + "&action=view_annotator_dashboard&min_version=" + last)
			.json()
			.path("allowed")
			.asBoolean()).as("the events after the duplicates were applied").isTrue();

		List<StoredEvent> stored = StoredEvents.of(organization.id());
		assertThat(stored).hasSize((int) last);
		List<List<Object>> logged = this.jdbc
			.sql("SELECT version, event_id, type FROM qs_activity_log WHERE organization_id = ? ORDER BY version")
			.param(organization.id())
			.query((row, number) -> List.<Object>of(row.getLong(1), row.getString(2), row.getString(3)))
			.list();
		assertThat(logged).extracting((entry) -> (Long) entry.get(0))
			.as("versions 1..N, each once")
			.containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
		assertThat(logged).as("one entry per stored event, with its id and type")
			.containsExactlyElementsOf(stored.stream()
				.map((event) -> List.<Object>of(event.version(), event.eventId(), event.type()))
				.toList());
	}

	/**
	 * Produces every record of the organization on the topic again, headers and all, to
	 * its partition, and waits until the service's consumer has committed its position
	 * past them.
	 */
	/**
	 * Every record on the events topic that carries the service's MAC; other tests write
	 * records without it to show that the query side refuses them.
	 */
	private List<ConsumerRecord<String, byte[]>> publishedByTheService() {
		try (TopicReader events = TopicReader.events(this.bootstrapServers.value())) {
			return events.readToEnd(Duration.ofSeconds(30))
				.stream()
				.filter((record) -> TestRecordKey.mac().verify(record).accepted())
				.toList();
		}
	}

	private void redeliverEverythingOf(String organization) throws InterruptedException, ExecutionException {
		Properties properties = new Properties();
		properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers.value());
		Map<Integer, Long> lastOffsets = new HashMap<>();
		int copies = 0;
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
				new ByteArraySerializer())) {
			for (ConsumerRecord<String, byte[]> record : publishedByTheService()) {
				if (organization.equals(record.key())) {
					RecordMetadata sent = producer
						.send(new ProducerRecord<>(record.topic(), record.partition(), record.key(), record.value(),
								record.headers()))
						.get();
					lastOffsets.merge(sent.partition(), sent.offset(), Math::max);
					copies++;
				}
			}
		}
		assertThat(copies).as("records of %s to deliver again", organization).isPositive();
		Instant deadline = Instant.now().plusSeconds(30);
		for (Map.Entry<Integer, Long> partition : lastOffsets.entrySet()) {
			while (consumerPosition(partition.getKey()) <= partition.getValue()) {
				assertThat(Instant.now())
					.as("the consumer reached offset %d of partition %d", partition.getValue(), partition.getKey())
					.isBefore(deadline);
				Thread.sleep(20);
			}
		}
	}

	private long consumerPosition(int partition) {
		return this.jdbc
			.sql("SELECT COALESCE(MAX(next_offset), 0) FROM qs_consumer_positions WHERE topic = ? AND partition_id = ?")
			.params(MembershipTopics.EVENTS, partition)
			.query(Long.class)
			.single();
	}

}
