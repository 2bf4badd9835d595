package io.membership.query.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;

import io.membership.topics.MembershipTopics;

/**
 * {@value MembershipTopics#EVENTS} in memory: records land in the partition of their key,
 * as Kafka's default partitioner puts them, at the partition's next offset. Consumers of
 * it are Kafka's {@link MockConsumer}, which also reads a partition again after a seek
 * back, as a real consumer does.
 */
public final class InMemoryTopic {

	private static final Node BROKER = new Node(1, "127.0.0.1", 9092);

	private final List<List<ConsumerRecord<String, byte[]>>> partitions = new ArrayList<>();

	private final Map<Integer, Long> firstOffsets = new HashMap<>();

	private final String topic;

	/** The consumers made so far: a record appended later reaches them too. */
	private final List<MockConsumer<String, byte[]>> consumers = new ArrayList<>();

	private final AtomicInteger endOffsetRequests = new AtomicInteger();

	public InMemoryTopic(int partitions) {
		this(MembershipTopics.EVENTS, partitions);
	}

	/** Another of the service's topics in memory. */
	public InMemoryTopic(String topic, int partitions) {
		this.topic = topic;
		for (int i = 0; i < partitions; i++) {
			this.partitions.add(new ArrayList<>());
		}
	}

	/** Writes the record and answers it as a consumer reads it. */
	public ConsumerRecord<String, byte[]> append(ProducerRecord<String, byte[]> record) {
		int partition = Utils.toPositive(Utils.murmur2(record.key().getBytes(StandardCharsets.UTF_8)))
				% this.partitions.size();
		List<ConsumerRecord<String, byte[]>> log = this.partitions.get(partition);
		ConsumerRecord<String, byte[]> written = new ConsumerRecord<>(this.topic, partition, log.size(), 0L,
				TimestampType.CREATE_TIME, 0, 0, record.key(), record.value(), record.headers(), Optional.empty());
		log.add(written);
		TopicPartition topicPartition = new TopicPartition(this.topic, partition);
		for (MockConsumer<String, byte[]> consumer : this.consumers) {
			consumer.updateEndOffsets(Map.of(topicPartition, (long) log.size()));
			if (consumer.assignment().contains(topicPartition)) {
				consumer.addRecord(written);
			}
		}
		return written;
	}

	public List<ConsumerRecord<String, byte[]>> appendAll(List<ProducerRecord<String, byte[]>> records) {
		return records.stream().map(this::append).toList();
	}

	/** Every record, partition by partition. */
	public List<ConsumerRecord<String, byte[]>> all() {
		return this.partitions.stream().flatMap(List::stream).toList();
	}

	/** Per partition, the offset the next record will get. */
	public Map<Integer, Long> endOffsets() {
		Map<Integer, Long> end = new HashMap<>();
		for (int i = 0; i < this.partitions.size(); i++) {
			end.put(i, (long) this.partitions.get(i).size());
		}
		return end;
	}

	/**
	 * From now on the partition starts at this offset, as if retention had deleted the
	 * records before it.
	 */
	public void deleteBefore(int partition, long offset) {
		this.firstOffsets.put(partition, offset);
	}

	/** A new consumer of the topic as it is now. */
	public MockConsumer<String, byte[]> consumer() {
		MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {

			@Override
			public synchronized void seek(TopicPartition partition, long offset) {
				super.seek(partition, offset);
				// MockConsumer hands out each added record once; a seek back must find
				// the partition's records again. Those below the position are skipped.
				InMemoryTopic.this.partitions.get(partition.partition())
					.stream()
					.filter((record) -> record.offset() >= offset)
					.forEach(this::addRecord);
			}

			@Override
			public synchronized Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
				InMemoryTopic.this.endOffsetRequests.incrementAndGet();
				return super.endOffsets(partitions);
			}

			@Override
			public synchronized Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions,
					Duration timeout) {
				InMemoryTopic.this.endOffsetRequests.incrementAndGet();
				return super.endOffsets(partitions);
			}

		};
		this.consumers.add(consumer);
		List<PartitionInfo> infos = new ArrayList<>();
		Map<TopicPartition, Long> beginning = new HashMap<>();
		Map<TopicPartition, Long> end = new HashMap<>();
		for (int i = 0; i < this.partitions.size(); i++) {
			infos.add(new PartitionInfo(this.topic, i, BROKER, new Node[] { BROKER }, new Node[] { BROKER }));
			TopicPartition partition = new TopicPartition(this.topic, i);
			beginning.put(partition, this.firstOffsets.getOrDefault(i, 0L));
			end.put(partition, (long) this.partitions.get(i).size());
		}
		consumer.updatePartitions(this.topic, infos);
		consumer.updateBeginningOffsets(beginning);
		consumer.updateEndOffsets(end);
		return consumer;
	}

	/** How often a consumer of this topic asked for its end offsets. */
	public int endOffsetRequests() {
		return this.endOffsetRequests.get();
	}

	/** These versions of the organization's history, appended in this order. */
	public List<ConsumerRecord<String, byte[]>> appendVersions(OrganizationHistory history, long... versions) {
		List<ConsumerRecord<String, byte[]>> appended = new ArrayList<>();
		for (long version : versions) {
			appended.add(append(history.record(version)));
		}
		return appended;
	}

	/** What one poll of these parts' records delivers, in their order. */
	@SafeVarargs
	public static ConsumerRecords<String, byte[]> pollOf(List<ConsumerRecord<String, byte[]>>... parts) {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		for (List<ConsumerRecord<String, byte[]>> part : parts) {
			records.addAll(part);
		}
		return poll(records);
	}

	/** What one poll of these records delivers, partition by partition. */
	public static ConsumerRecords<String, byte[]> poll(List<ConsumerRecord<String, byte[]>> records) {
		Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new LinkedHashMap<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			byPartition
				.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), (key) -> new ArrayList<>())
				.add(record);
		}
		return new ConsumerRecords<>(byPartition, Map.of());
	}

}
