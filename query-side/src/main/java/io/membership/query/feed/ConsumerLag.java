package io.membership.query.feed;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the query side is behind the events topic in each partition, as its consumer
 * thread last saw it: records not yet applied ({@value #RECORDS}) and how long the oldest
 * of them has waited ({@value #SECONDS}, in seconds). While the database is cut the
 * consumer keeps polling the same records and applying none, so both rise; they return to
 * zero once it has caught up.
 *
 * <p>
 * Only the consumer thread writes; scrapes read the last values.
 */
final class ConsumerLag {

	static final String RECORDS = "membership.query.lag.records";

	static final String SECONDS = "membership.query.lag";

	private static final long NONE = Long.MAX_VALUE;

	private final MeterRegistry registry;

	private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();

	ConsumerLag(MeterRegistry registry) {
		this.registry = registry;
	}

	/** Meters for each partition the consumer reads. */
	void track(List<TopicPartition> assigned) {
		for (TopicPartition partition : assigned) {
			this.partitions.computeIfAbsent(partition, this::register);
		}
	}

	/**
	 * A poll returned these records, not yet applied: the consumer's position is already
	 * past them, so they count on top of Kafka's lag.
	 */
	void polled(Consumer<?, ?> consumer, ConsumerRecords<String, byte[]> records) {
		for (Map.Entry<TopicPartition, Partition> entry : this.partitions.entrySet()) {
			List<ConsumerRecord<String, byte[]>> pending = records.records(entry.getKey());
			Partition partition = entry.getValue();
			if (!pending.isEmpty()) {
				partition.pendingSince = Math.min(partition.pendingSince, pending.get(0).timestamp());
			}
			update(consumer, entry.getKey(), partition, pending.size());
		}
	}

	/** The records of a poll were applied and their positions committed. */
	void applied(Consumer<?, ?> consumer, ConsumerRecords<String, byte[]> records) {
		for (Map.Entry<TopicPartition, Partition> entry : this.partitions.entrySet()) {
			List<ConsumerRecord<String, byte[]>> done = records.records(entry.getKey());
			Partition partition = entry.getValue();
			if (!done.isEmpty()) {
				partition.lastApplied = done.get(done.size() - 1).timestamp();
				partition.pendingSince = NONE;
			}
			update(consumer, entry.getKey(), partition, 0);
		}
	}

	private void update(Consumer<?, ?> consumer, TopicPartition topicPartition, Partition partition, int unapplied) {
		OptionalLong lag = consumer.currentLag(topicPartition);
		if (lag.isEmpty()) {
			// Nothing fetched from this partition yet: the lag is unknown, not zero.
			return;
		}
		long records = lag.getAsLong() + unapplied;
		partition.records = records;
		if (records == 0) {
			partition.pendingSince = NONE;
		}
		else if (partition.pendingSince == NONE && partition.lastApplied != NONE) {
			// Behind, but the next record is not fetched yet: it is no older than the
			// last
			// one applied.
			partition.pendingSince = partition.lastApplied;
		}
	}

	private Partition register(TopicPartition topicPartition) {
		Partition partition = new Partition();
		String number = Integer.toString(topicPartition.partition());
		Gauge.builder(RECORDS, partition, (held) -> held.records)
			.description("Records of the events topic the query side has not applied yet")
			.tag("partition", number)
			.strongReference(true)
			.register(this.registry);
		TimeGauge.builder(SECONDS, partition, TimeUnit.SECONDS, Partition::secondsBehind)
			.description("How long the oldest record the query side has not applied yet has waited")
			.tag("partition", number)
			.strongReference(true)
			.register(this.registry);
		return partition;
	}

	private static final class Partition {

		volatile double records = Double.NaN;

		/** Timestamp (epoch ms) of the oldest record known not to be applied. */
		volatile long pendingSince = NONE;

		volatile long lastApplied = NONE;

		double secondsBehind() {
			long since = this.pendingSince;
			if (since == NONE) {
				return Double.isNaN(this.records) ? Double.NaN : 0;
			}
			return Math.max(0, System.currentTimeMillis() - since) / 1000.0;
		}

	}

}
