package io.membership.infra.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import io.membership.events.MembershipEvent;

/**
 * Publishes every stored event to Kafka, at least once and in order per organization.
 *
 * <p>
 * It is an Axon streaming processor over the event store: its position (the token) is
 * committed with the batch, and the batch commits only after Kafka has acknowledged every
 * record in it ({@code acks=all}, idempotent producer). If Kafka is down, the batch
 * fails, nothing advances and the processor tries again later, while commands go on being
 * accepted into the event store; when Kafka returns the backlog drains in order. Events
 * of one organization always fall into the same processor segment (Axon's per-aggregate
 * sequencing), so order per organization holds across segments and instances. After a
 * crash the batch in flight is published again: subscribers see duplicates, never gaps,
 * and drop them by {@code ce_id} or {@code ce_orgversion}.
 */
@ProcessingGroup(KafkaEventPublisher.PROCESSING_GROUP)
class KafkaEventPublisher {

	static final String PROCESSING_GROUP = "kafka-publisher";

	private static final String PENDING_ACKS = KafkaEventPublisher.class.getName() + ".pendingAcks";

	private final PublishingProducer producer;

	private final MemberRoleStates memberRoles;

	private final long deliveryTimeoutMillis;

	KafkaEventPublisher(PublishingProducer producer, MemberRoleStates memberRoles, KafkaSettings settings) {
		this.producer = producer;
		this.memberRoles = memberRoles;
		this.deliveryTimeoutMillis = settings.deliveryTimeout().toMillis();
	}

	@EventHandler
	void publish(MembershipEvent event, DomainEventMessage<?> message) {
		List<Future<RecordMetadata>> acks = pendingAcks();
		acks.add(this.producer.send(CloudEventRecords.of(event, message)));
		long version = message.getSequenceNumber() + 1;
		this.memberRoles.apply(event, version).forEach((state) -> acks.add(this.producer.send(state.toRecord())));
	}

	/**
	 * The acknowledgements of the batch being processed; they are awaited once, just
	 * before the batch (and with it the processor's token) commits.
	 */
	private List<Future<RecordMetadata>> pendingAcks() {
		UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
		return batch.getOrComputeResource(PENDING_ACKS, (key) -> {
			List<Future<RecordMetadata>> acks = new ArrayList<>();
			batch.onPrepareCommit((unitOfWork) -> awaitAll(acks));
			return acks;
		});
	}

	private void awaitAll(List<Future<RecordMetadata>> acks) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.deliveryTimeoutMillis);
		try {
			for (Future<RecordMetadata> ack : acks) {
				ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			// Start the retry from a clean producer: nothing of this batch counts as
			// sent.
			this.producer.reset();
			throw new KafkaUnavailableException("Kafka did not acknowledge the batch", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new KafkaUnavailableException("Interrupted while waiting for Kafka", ex);
		}
	}

	/** The batch was not acknowledged; the processor will try it again. */
	static class KafkaUnavailableException extends RuntimeException {

		KafkaUnavailableException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
