package io.membership.infra.axon;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.audit.HashChainWriter;
import io.membership.audit.HashChainWriter.StoredEvent;
import io.membership.audit.personal.PersonalData;
import io.membership.events.AddressKeptApart;
import io.membership.events.MembershipEvent;
import io.membership.events.PersonalDataErased;

/**
 * The event store, with every appended event also linked into its organization's hash
 * chain ({@link HashChainWriter}) in the same transaction: an event is never stored
 * without its {@code prev_hash} and {@code hash}, and a chain row never without its
 * event. Everything else is the wrapped engine's.
 *
 * <p>
 * The chain is hashed from the payload bytes the wrapped engine stored: Axon keeps the
 * serialized form of a message once it has serialized it (per serializer), so asking the
 * message for it with the event serializer after the append hands back those bytes rather
 * than serializing the event again.
 */
public class HashChainingStorageEngine implements EventStorageEngine {

	private final EventStorageEngine delegate;

	private final Serializer eventSerializer;

	private final HashChainWriter chain;

	private final TransactionManager transactionManager;

	private final PersonalData personalData;

	private final JdbcClient jdbc;

	/**
	 * @param eventSerializer the serializer {@code delegate} stores event payloads with
	 */
	public HashChainingStorageEngine(EventStorageEngine delegate, Serializer eventSerializer, HashChainWriter chain,
			TransactionManager transactionManager, PersonalData personalData, JdbcClient jdbc) {
		this.delegate = delegate;
		this.eventSerializer = eventSerializer;
		this.chain = chain;
		this.transactionManager = transactionManager;
		this.personalData = personalData;
		this.jdbc = jdbc;
	}

	/**
	 * Stores the events, links them into the chain and keeps their addresses apart, all
	 * in one transaction: the stored payload never has an address, the personal data
	 * always has the address a stored event refers to (until it is erased), and an
	 * erasure is never stored without its addresses forgotten and the organization's
	 * snapshots (which hold the state from before it) deleted.
	 */
	@Override
	public void appendEvents(List<? extends EventMessage<?>> events) {
		this.transactionManager.executeInTransaction(() -> {
			this.delegate.appendEvents(events);
			List<StoredEvent> stored = stored(events);
			this.chain.link(stored);
			for (StoredEvent event : stored) {
				keepApart(event);
			}
		});
	}

	private void keepApart(StoredEvent stored) {
		if (stored.event() instanceof AddressKeptApart addressed) {
			this.personalData.record(stored.organizationId(), addressed);
		}
		else if (stored.event().asErasure().isPresent()) {
			PersonalDataErased erased = stored.event().asErasure().get();
			List<String> keys = new ArrayList<>();
			keys.add(AddressKeptApart.userKey(erased.userId()));
			erased.invitationIds().forEach((invitation) -> keys.add(AddressKeptApart.invitationKey(invitation)));
			this.personalData.erase(stored.organizationId(), erased.userId(), keys, erased.occurredAt());
			this.jdbc.sql("DELETE FROM snapshotevententry WHERE aggregateidentifier = ?")
				.param(stored.organizationId())
				.update();
		}
	}

	/**
	 * The organizations' events among those appended, each with the version it makes (one
	 * more than its sequence number) and its payload as stored.
	 */
	private List<StoredEvent> stored(List<? extends EventMessage<?>> events) {
		return events.stream()
			.filter((message) -> message instanceof DomainEventMessage<?>
					&& message.getPayload() instanceof MembershipEvent)
			.map((message) -> (DomainEventMessage<?>) message)
			.map((domain) -> new StoredEvent(domain.getAggregateIdentifier(), domain.getSequenceNumber() + 1,
					domain.getIdentifier(), (MembershipEvent) domain.getPayload(),
					domain.serializePayload(this.eventSerializer, byte[].class).getData()))
			.toList();
	}

	/**
	 * A snapshot of the state before an erasure of the organization (taken off the
	 * command thread, it may be stored after the erasure deleted the older ones) is not
	 * stored: it may hold the erased address.
	 */
	@Override
	public void storeSnapshot(DomainEventMessage<?> snapshot) {
		boolean erasedSince = this.jdbc
			.sql("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber > ? "
					+ "AND payloadtype = ?")
			.params(snapshot.getAggregateIdentifier(), snapshot.getSequenceNumber(), PersonalDataErased.class.getName())
			.query(Long.class)
			.single() > 0;
		if (!erasedSince) {
			this.delegate.storeSnapshot(snapshot);
		}
	}

	@Override
	public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken trackingToken, boolean mayBlock) {
		return this.delegate.readEvents(trackingToken, mayBlock);
	}

	@Override
	public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
		return this.delegate.readEvents(aggregateIdentifier, firstSequenceNumber);
	}

	@Override
	public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) {
		return this.delegate.readSnapshot(aggregateIdentifier);
	}

	@Override
	public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
		return this.delegate.lastSequenceNumberFor(aggregateIdentifier);
	}

	@Override
	public TrackingToken createTailToken() {
		return this.delegate.createTailToken();
	}

	@Override
	public TrackingToken createHeadToken() {
		return this.delegate.createHeadToken();
	}

	@Override
	public TrackingToken createTokenAt(Instant dateTime) {
		return this.delegate.createTokenAt(dateTime);
	}

}
