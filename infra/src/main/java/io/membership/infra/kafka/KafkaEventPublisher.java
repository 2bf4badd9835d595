package io.membership.infra.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import io.membership.audit.personal.PersonalData;
import io.membership.events.AddressKeptApart;
import io.membership.events.MembershipEvent;
import io.membership.events.PersonalDataErased;
import io.membership.infra.tracing.TracingConfiguration;
import io.membership.topics.CloudEventRecords;
import io.membership.topics.PersonalDataRecords;
import io.membership.topics.RecordMac;

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
 * and drop them by {@code ce_id} or {@code ce_orgversion}. Every record carries a
 * {@link RecordMac} header, so that the query side can tell the service's records from
 * anything else written to the topic.
 */
@ProcessingGroup(KafkaEventPublisher.PROCESSING_GROUP)
class KafkaEventPublisher {

	static final String PROCESSING_GROUP = "kafka-publisher";

	private static final String BATCH = KafkaEventPublisher.class.getName() + ".batch";

	private final PublishingProducer producer;

	private final MemberRoleStates memberRoles;

	private final RecordMac mac;

	private final long deliveryTimeoutMillis;

	private final PersonalData personalData;

	KafkaEventPublisher(PublishingProducer producer, MemberRoleStates memberRoles, RecordMac mac,
			KafkaSettings settings, PersonalData personalData) {
		this.producer = producer;
		this.memberRoles = memberRoles;
		this.mac = mac;
		this.deliveryTimeoutMillis = settings.deliveryTimeout().toMillis();
		this.personalData = personalData;
	}

	@EventHandler
	void publish(MembershipEvent event, DomainEventMessage<?> message) {
		Batch batch = batch();
		long version = message.getSequenceNumber() + 1;
		if (refersFirst(event)) {
			publishAddress(batch, event);
		}
		Future<RecordMetadata> published = batch.send(this.mac.sign(CloudEventRecords.of(event, message.getIdentifier(),
				version, message.getMetaData().get(TracingConfiguration.TRACEPARENT))));
		this.memberRoles.apply(event, version, batch.roleChanges)
			.forEach((state) -> batch.send(this.mac.sign(state.toRecord())));
		Optional<PersonalDataErased> erasure = event.asErasure();
		if (erasure.isPresent()) {
			PersonalDataErased erased = erasure.get();
			// A subscriber that sees the tombstones has seen (or will see) the erasure.
			await(published);
			batch.send(this.mac
				.sign(PersonalDataRecords.tombstone(AddressKeptApart.userKey(erased.userId()), erased.occurredAt())));
			erased.invitationIds()
				.forEach((invitation) -> batch.send(this.mac.sign(PersonalDataRecords
					.tombstone(AddressKeptApart.invitationKey(invitation), erased.occurredAt()))));
		}
	}

	/**
	 * The events that are the first to refer to their key: the address goes out, and is
	 * acknowledged, before them (API.md: a subscriber that reads the personal data topic
	 * to its end before applying such an event finds the address or its tombstone).
	 */
	private static boolean refersFirst(MembershipEvent event) {
		return event instanceof AddressKeptApart addressed && addressed.introducesKey() && addressed.email() != null;
	}

	/**
	 * Publishes the event's address and waits for Kafka to acknowledge it. The address
	 * was read when the event was; should it have been erased since, and the erasure's
	 * tombstone gone out before this record, the record would outlive the erasure: so
	 * once acknowledged, the key is looked up again and an erased one gets its tombstone
	 * after the record. (An erasure committed after that look-up sends its own tombstone
	 * after its event, so after this record.)
	 */
	private void publishAddress(Batch batch, MembershipEvent event) {
		AddressKeptApart addressed = (AddressKeptApart) event;
		await(batch.send(this.mac.sign(PersonalDataRecords.of(event, event.occurredAt()))));
		if (this.personalData.erased(addressed.personalDataKey())) {
			batch.send(this.mac.sign(PersonalDataRecords.tombstone(addressed.personalDataKey(), event.occurredAt())));
		}
	}

	private void await(Future<RecordMetadata> ack) {
		try {
			ack.get(this.deliveryTimeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new KafkaUnavailableException("Kafka did not acknowledge a record the next one waits for", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new KafkaUnavailableException("Interrupted while waiting for Kafka", ex);
		}
	}

	/**
	 * The batch being processed, with the stored states of the members its events are
	 * about read in one query. The members' states it changed are written, and its
	 * acknowledgements awaited, once, just before the batch (and with it the processor's
	 * token) commits; if it fails instead, nothing of it is written and the producer it
	 * used is replaced, dropping whatever of the batch it still holds.
	 */
	private Batch batch() {
		UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
		return unitOfWork.getOrComputeResource(BATCH, (key) -> {
			Batch batch = new Batch(this.producer.instance());
			if (unitOfWork instanceof BatchingUnitOfWork<?> events) {
				this.memberRoles.readBefore(events.getMessages()
					.stream()
					.map(Message::getPayload)
					.filter(MembershipEvent.class::isInstance)
					.map(MembershipEvent.class::cast)
					.toList(), batch.roleChanges);
			}
			unitOfWork.onPrepareCommit((committing) -> {
				this.memberRoles.store(batch.roleChanges);
				awaitAll(batch);
			});
			unitOfWork.onRollback((failed) -> this.producer.reset(batch.producer));
			return batch;
		});
	}

	private void awaitAll(Batch batch) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.deliveryTimeoutMillis);
		try {
			for (Future<RecordMetadata> ack : batch.acks) {
				ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new KafkaUnavailableException("Kafka did not acknowledge the batch", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new KafkaUnavailableException("Interrupted while waiting for Kafka", ex);
		}
	}

	/**
	 * The records of one batch of events, all sent through one producer instance, in
	 * order. Once one of them has failed, or the producer was replaced because another
	 * batch failed, nothing more of the batch is sent: a later record of an organization
	 * must never reach the topic while an earlier one did not, or subscribers would see a
	 * gap, and a reordering once the batch is retried.
	 */
	private final class Batch {

		private final Producer<String, byte[]> producer;

		private final List<Future<RecordMetadata>> acks = new ArrayList<>();

		private final AtomicReference<Exception> failure = new AtomicReference<>();

		/** The members' states the batch's events changed, written when it commits. */
		private final MemberRoleStates.Changes roleChanges = new MemberRoleStates.Changes();

		Batch(Producer<String, byte[]> producer) {
			this.producer = producer;
		}

		Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
			Exception failed = this.failure.get();
			if (failed != null) {
				throw new KafkaUnavailableException("An earlier record of the batch was not sent", failed);
			}
			if (!KafkaEventPublisher.this.producer.isCurrent(this.producer)) {
				throw new KafkaUnavailableException("The producer was replaced after another batch failed", null);
			}
			// A record that cannot even be queued (no metadata within max.block.ms) fails
			// through this callback before send returns.
			Future<RecordMetadata> ack = this.producer.send(record, (metadata, exception) -> {
				if (exception != null) {
					this.failure.compareAndSet(null, exception);
				}
			});
			this.acks.add(ack);
			return ack;
		}

	}

	/** The batch was not acknowledged; the processor will try it again. */
	static class KafkaUnavailableException extends RuntimeException {

		KafkaUnavailableException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
