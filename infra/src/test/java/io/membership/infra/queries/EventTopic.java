package io.membership.infra.queries;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.membership.infra.support.TestRecordKey;
import io.membership.query.feed.AuthenticRecords;
import io.membership.query.feed.EventRecords;
import io.membership.query.projection.ProjectedEvent;
import io.membership.topics.MembershipTopics;

/**
 * {@code membership.events.v1} as a new subscriber reads it: every record of every
 * partition from the beginning up to the end as it stands, and each record parsed the way
 * the query side's consumer parses it.
 */
final class EventTopic {

	private static final AuthenticRecords AUTHENTICITY = new AuthenticRecords(TestRecordKey.mac(),
			new SimpleMeterRegistry());

	private EventTopic() {
	}

	/**
	 * Every record the service published on the topic now, partition by partition, each
	 * in offset order. Records without the service's MAC, which other tests write to show
	 * that the query side refuses them, are left out, as the query side leaves them out.
	 */
	static List<ConsumerRecord<String, byte[]>> readAll(String bootstrapServers) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(MembershipTopics.EVENTS)
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			Instant deadline = Instant.now().plusSeconds(30);
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < ends.get(partition))) {
				if (Instant.now().isAfter(deadline)) {
					throw new AssertionError("Could not read " + MembershipTopics.EVENTS + " up to " + ends);
				}
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))
							&& TestRecordKey.mac().verify(record).accepted()) {
						records.add(record);
					}
				}
			}
		}
		return records;
	}

	/**
	 * The record as the query side's consumer parses it ({@link EventRecords}): the body
	 * by its {@code ce_type}, the version from {@code ce_orgversion}, the id from
	 * {@code ce_id}.
	 */
	static ProjectedEvent parse(ConsumerRecord<String, byte[]> record) {
		return EventRecords.parse(record, AUTHENTICITY)
			.orElseThrow(() -> new AssertionError("not an event of a known type at offset " + record.offset()));
	}

}
