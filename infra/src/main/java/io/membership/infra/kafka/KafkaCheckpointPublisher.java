package io.membership.infra.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.membership.audit.AuditCheckpoints.Checkpoint;
import io.membership.audit.CheckpointPublisher;
import io.membership.events.json.MembershipJson;
import io.membership.topics.MembershipTopics;

/**
 * Publishes every signed audit checkpoint to {@value MembershipTopics#CHECKPOINTS}, kept
 * forever, keyed by organization.
 */
class KafkaCheckpointPublisher implements CheckpointPublisher {

	private static final Logger logger = LoggerFactory.getLogger(KafkaCheckpointPublisher.class);

	private final PublishingProducer producer;

	KafkaCheckpointPublisher(PublishingProducer producer) {
		this.producer = producer;
	}

	/** A checkpoint's record, keyed by its organization. */
	static ProducerRecord<String, byte[]> record(Checkpoint checkpoint) {
		return new ProducerRecord<>(MembershipTopics.CHECKPOINTS, checkpoint.organizationId(),
				MembershipJson.mapper().writeValueAsBytes(checkpoint));
	}

	@Override
	public void publish(Checkpoint checkpoint) {
		try {
			this.producer.send(record(checkpoint)).get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			// Stored and served over REST already; Kafka gets the next one.
			logger.warn("Checkpoint {}@{} was not published to Kafka", checkpoint.organizationId(),
					checkpoint.version(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
