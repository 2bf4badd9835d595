package io.membership.query.feed;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the positions the query side committed with its projection into its consumer
 * group, for Kafka's tools to see. A commit that fails (no coordinator yet, Kafka
 * unreachable) is tried again on a later turn of the consumer's loop, whether or not new
 * records arrive, so the group catches up with the table once Kafka can take it; nothing
 * ever reads these offsets back.
 *
 * <p>
 * Used by the consumer thread alone: Kafka runs the callbacks on it too.
 */
final class GroupCommits {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommits.class);

	private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	/**
	 * A commit whose callback never came (a consumer restarted meanwhile) is given up.
	 */
	private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(30);

	private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();

	private boolean inFlight;

	private long nextAttempt = System.nanoTime();

	/**
	 * A poll's records were applied and their positions committed with the projection.
	 */
	void applied(ConsumerRecords<String, byte[]> records) {
		for (TopicPartition partition : records.partitions()) {
			List<ConsumerRecord<String, byte[]>> applied = records.records(partition);
			this.pending.put(partition, new OffsetAndMetadata(applied.get(applied.size() - 1).offset() + 1));
		}
	}

	/** Commits what the group does not show yet, unless a commit is under way. */
	void commit(Consumer<String, byte[]> kafka) {
		if (this.pending.isEmpty() || System.nanoTime() - this.nextAttempt < 0) {
			return;
		}
		if (this.inFlight) {
			return;
		}
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(this.pending);
		this.inFlight = true;
		this.nextAttempt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
		kafka.commitAsync(offsets, (committed, failure) -> {
			this.inFlight = false;
			if (failure == null) {
				// Only what was not overtaken by a later position meanwhile.
				offsets.forEach(this.pending::remove);
				this.nextAttempt = System.nanoTime();
			}
			else {
				logger.debug("Could not commit the query side's positions to its consumer group; trying again: {}",
						failure.getMessage());
				this.nextAttempt = System.nanoTime() + RETRY_AFTER.toNanos();
			}
		});
	}

	/** The consumer starts again: a commit it had under way will not report back. */
	void restarted() {
		this.inFlight = false;
		this.nextAttempt = System.nanoTime();
	}

}
