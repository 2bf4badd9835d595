package io.membership.infra.kafka;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.axonframework.common.jdbc.DataSourceConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.audit.AuditCheckpoints;
import io.membership.audit.personal.PersonalData;
import io.membership.audit.security.SecurityEvents;
import io.membership.events.MembershipEvent;
import io.membership.infra.axon.AddressFreeRevisions;
import io.membership.infra.axon.AxonConfiguration;
import io.membership.infra.tracing.TracingConfiguration;
import io.membership.query.feed.ProjectionConsumer;
import io.membership.topics.CloudEventRecords;
import io.membership.topics.PersonalDataRecords;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * Writes the service's topics anew from the database, for a Kafka cluster that lost its
 * log or is new: {@value MembershipTopics#EVENTS} from the event store, in the order the
 * events were stored (so in order per organization), each record as the publisher wrote
 * it (the same {@code ce_id}, {@code ce_orgversion}, trace context and MAC);
 * {@value MembershipTopics#ROLES} from the members' states the publisher last published;
 * {@value MembershipTopics#CHECKPOINTS} from the stored checkpoints. Then every
 * query-side consumer sharing the database forgets its position, so each reads the new
 * topic from its start, skipping what its views hold.
 *
 * <p>
 * It refuses to run while an instance of the service holds the publisher (a claim younger
 * than the claim timeout), whose records would interleave with these, and on an events
 * topic that is not empty, where it would only add a second copy of every event.
 */
final class TopicRepublisher {

	/** Events read from the store per query. */
	private static final int READ_BATCH = 1000;

	private final DataSource dataSource;

	private final JdbcClient jdbc;

	private final KafkaBootstrapServers bootstrapServers;

	private final KafkaSettings settings;

	private final PublishingProducer producer;

	private final MemberRoleStates memberRoles;

	private final RecordMac mac;

	private final Duration claimTimeout;

	private final Duration securityEventsRetention;

	TopicRepublisher(DataSource dataSource, KafkaBootstrapServers bootstrapServers, KafkaSettings settings,
			PublishingProducer producer, RecordMac mac, Duration claimTimeout, Duration securityEventsRetention) {
		this.dataSource = dataSource;
		this.jdbc = JdbcClient.create(dataSource);
		this.bootstrapServers = bootstrapServers;
		this.settings = settings;
		this.producer = producer;
		this.memberRoles = new MemberRoleStates(this.jdbc, null);
		this.mac = mac;
		this.claimTimeout = claimTimeout;
		this.securityEventsRetention = securityEventsRetention;
	}

	/** What was written, as the command reports it. */
	record Report(long events, int organizations, long memberStates, long checkpoints, long securityEvents,
			int forgottenPositions) {
	}

	/**
	 * Writes the three topics and forgets the query side's positions.
	 * @throws RepublishRefused if an instance is running or the topic is not empty
	 */
	Report republish(PrintStream out) {
		refuseWhilePublisherClaimed();
		TopicAdmin.createMissing(this.bootstrapServers, this.settings, this.securityEventsRetention);
		long existing = TopicAdmin.eventsEndOffsets(this.bootstrapServers, this.settings)
			.values()
			.stream()
			.mapToLong(Long::longValue)
			.sum();
		if (existing > 0) {
			throw new RepublishRefused(MembershipTopics.EVENTS + " already holds " + existing + " records; republish "
					+ "writes the topics of an empty cluster (delete the service's topics first, or point the service "
					+ "at the new cluster), or every event would be on it twice");
		}
		Sends sends = new Sends();
		// The addresses first, acknowledged before any event that refers to them (the
		// publisher's ordering promise); an erased one as its tombstone.
		AtomicLong addresses = new AtomicLong();
		Instant now = Instant.now();
		PersonalData.forEachStored(this.jdbc, (stored) -> {
			sends.send(this.mac
				.sign(PersonalDataRecords.stored(stored.key(), stored.email(), stored.organizationId(), now)));
			addresses.incrementAndGet();
		});
		sends.awaitAll();
		out.printf("  %,d personal data keys sent%n", addresses.get());
		Set<String> organizations = new HashSet<>();
		long events = 0;
		try (Stream<? extends TrackedEventMessage<?>> stored = storedEvents().readEvents(null, false)) {
			Iterator<? extends TrackedEventMessage<?>> messages = stored.iterator();
			while (messages.hasNext()) {
				TrackedEventMessage<?> message = messages.next();
				if (message instanceof DomainEventMessage<?> domain
						&& domain.getPayload() instanceof MembershipEvent event) {
					long version = domain.getSequenceNumber() + 1;
					sends.send(this.mac.sign(CloudEventRecords.of(event, domain.getIdentifier(), version,
							domain.getMetaData().get(TracingConfiguration.TRACEPARENT))));
					organizations.add(event.organizationId().value());
					if (++events % 100_000 == 0) {
						out.printf("  %,d events sent%n", events);
					}
				}
			}
		}
		AtomicLong memberStates = new AtomicLong();
		this.memberRoles.forEachStored((state) -> {
			sends.send(this.mac.sign(state.toRecord()));
			memberStates.incrementAndGet();
		});
		AtomicLong checkpoints = new AtomicLong();
		AuditCheckpoints.forEachStored(this.jdbc, (checkpoint) -> {
			sends.send(KafkaCheckpointPublisher.record(checkpoint));
			checkpoints.incrementAndGet();
		});
		AtomicLong securityEvents = new AtomicLong();
		SecurityEvents.forEachStored(this.jdbc, (event) -> {
			sends.send(this.mac.sign(KafkaSecurityEventPublisher.recordOf(event)));
			securityEvents.incrementAndGet();
		});
		sends.awaitAll();
		int forgotten = ProjectionConsumer.forgetPositions(this.jdbc);
		return new Report(events, organizations.size(), memberStates.get(), checkpoints.get(), securityEvents.get(),
				forgotten);
	}

	/**
	 * The event store as the service reads it: the same table, serializer and upcasters,
	 * tracked from its first event. The addresses kept apart are not put back: the events
	 * topic carries none.
	 */
	private JdbcEventStorageEngine storedEvents() {
		return JdbcEventStorageEngine.builder()
			.snapshotSerializer(AxonConfiguration.storedEventSerializer())
			.eventSerializer(AxonConfiguration.storedEventSerializer())
			.upcasterChain(new EventUpcasterChain(AddressFreeRevisions.upcasters()))
			.connectionProvider(new DataSourceConnectionProvider(this.dataSource))
			.transactionManager(NoTransactionManager.INSTANCE)
			.batchSize(READ_BATCH)
			.build();
	}

	/**
	 * A running instance claims the publisher's segments and renews its claims well
	 * within the claim timeout; one that stopped released them, one that was killed left
	 * claims that age past it.
	 */
	private void refuseWhilePublisherClaimed() {
		Instant now = Instant.now();
		List<Map.Entry<String, String>> claims = this.jdbc
			.sql("SELECT owner, timestamp FROM tokenentry WHERE processorname = ? AND owner IS NOT NULL")
			.param(KafkaEventPublisher.PROCESSING_GROUP)
			.query((row, number) -> Map.entry(row.getString(1), row.getString(2)))
			.list();
		for (Map.Entry<String, String> claim : claims) {
			Instant claimed = claimedAt(claim.getValue());
			if (claimed == null || claimed.plus(this.claimTimeout).isAfter(now)) {
				throw new RepublishRefused("an instance of the service (" + claim.getKey()
						+ ") holds the publisher: stop every instance first, or its records would interleave with "
						+ "the republished ones");
			}
		}
	}

	private static Instant claimedAt(String timestamp) {
		try {
			return (timestamp != null) ? Instant.parse(timestamp) : null;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * The records sent so far through the producer, which keeps them in order per
	 * partition (idempotent, one request in flight); the first failure is kept and ends
	 * the run.
	 */
	private final class Sends {

		private final AtomicReference<Exception> failure = new AtomicReference<>();

		private final Callback callback = (metadata, exception) -> {
			if (exception != null) {
				this.failure.compareAndSet(null, exception);
			}
		};

		void send(ProducerRecord<String, byte[]> record) {
			failIfFailed();
			TopicRepublisher.this.producer.instance().send(record, this.callback);
		}

		void awaitAll() {
			TopicRepublisher.this.producer.instance().flush();
			failIfFailed();
		}

		private void failIfFailed() {
			Exception failed = this.failure.get();
			if (failed != null) {
				throw new IllegalStateException(
						"Kafka refused a record (" + failed.getMessage()
								+ "); the topics hold part of the history: delete them and run republish again",
						failed);
			}
		}

	}

	/** The command was asked to do what it must not. */
	static final class RepublishRefused extends RuntimeException {

		RepublishRefused(String message) {
			super(message);
		}

	}

}
