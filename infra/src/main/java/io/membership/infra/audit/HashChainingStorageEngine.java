package io.membership.infra.audit;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import io.membership.audit.chain.HashChain;
import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;

/**
 * The event store, with every appended event also linked into its organization's hash
 * chain in the same transaction: an event is never stored without its {@code prev_hash}
 * and {@code hash}, and a chain row never without its event. Everything else is the
 * wrapped engine's.
 */
public class HashChainingStorageEngine implements EventStorageEngine {

	private final EventStorageEngine delegate;

	private final JdbcClient jdbc;

	private final TransactionManager transactionManager;

	public HashChainingStorageEngine(EventStorageEngine delegate, JdbcClient jdbc,
			TransactionManager transactionManager) {
		this.delegate = delegate;
		this.jdbc = jdbc;
		this.transactionManager = transactionManager;
	}

	@Override
	public void appendEvents(List<? extends EventMessage<?>> events) {
		this.transactionManager.executeInTransaction(() -> {
			this.delegate.appendEvents(events);
			link(events);
		});
	}

	private void link(List<? extends EventMessage<?>> events) {
		Map<String, String> heads = new HashMap<>();
		for (EventMessage<?> message : events) {
			if (!(message instanceof DomainEventMessage<?> domain)
					|| !(message.getPayload() instanceof MembershipEvent)) {
				continue;
			}
			String organization = domain.getAggregateIdentifier();
			long version = domain.getSequenceNumber() + 1;
			String previous = heads.computeIfAbsent(organization, (id) -> headOf(id, version));
			JsonNode payload = MembershipJson.mapper().valueToTree(message.getPayload());
			String hash = HashChain.hash(previous, HashChain.envelope(organization, version, domain.getIdentifier(),
					domain.getPayloadType().getSimpleName(), payload.path("occurred_at").asString(), payload));
			this.jdbc
				.sql("INSERT INTO event_hash_chain (organization_id, version, event_id, prev_hash, hash) "
						+ "VALUES (?, ?, ?, ?, ?)")
				.params(organization, version, domain.getIdentifier(), previous, hash)
				.update();
			heads.put(organization, hash);
		}
	}

	/**
	 * The hash the event at {@code version} links to: its predecessor's, or the genesis.
	 */
	private String headOf(String organization, long version) {
		if (version == 1) {
			return HashChain.GENESIS;
		}
		return this.jdbc.sql("SELECT hash FROM event_hash_chain WHERE organization_id = ? AND version = ?")
			.params(organization, version - 1)
			.query(String.class)
			.optional()
			.orElseThrow(() -> new IllegalStateException(
					"The hash chain of " + organization + " has no version " + (version - 1)));
	}

	@Override
	public void storeSnapshot(DomainEventMessage<?> snapshot) {
		this.delegate.storeSnapshot(snapshot);
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
