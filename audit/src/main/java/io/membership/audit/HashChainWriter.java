package io.membership.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;

import io.membership.audit.chain.HashChain;
import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;

/**
 * Links stored events into their organizations' hash chains: the one place that writes
 * {@code event_hash_chain}. The event store calls it in the transaction that stores the
 * events, so an event is never stored without its {@code prev_hash} and {@code hash}, and
 * a chain row never without its event.
 *
 * <p>
 * The hash an event links to is its predecessor's. Rather than read it back for every
 * event, the writer remembers the last (version, hash) it linked for each recently used
 * organization, and uses it only for the event at exactly the next version; anything else
 * (an organization it has not linked lately, or one another instance has appended to
 * since) is read from the table as before. A remembered head is always right, because it
 * is only remembered once its transaction has committed:
 * <ul>
 * <li>A committed chain row is never changed or deleted, and the primary key
 * {@code (organization_id, version)} (like the event table's unique
 * {@code (aggregate, sequence number)}) allows one committed row per version. So the
 * remembered hash of version {@code v} is the hash of the one event that will ever be
 * version {@code v}, whoever links {@code v + 1}, on this instance or another.</li>
 * <li>A transaction that rolls back, whether its command failed or its append lost the
 * race for a version to another instance (the unique key refuses it, Axon reports a
 * {@code ConcurrencyException} and the command is decided again on fresh state), never
 * reaches {@code afterCommit}, so the hash it computed is forgotten with it. The retried
 * command appends after the other instance's events, at a version whose predecessor this
 * writer has not remembered, and so reads it from the table.</li>
 * <li>A head remembered late (another commit of the same organization overtook it) is at
 * worst older than the organization's latest version: never used, never wrong.</li>
 * </ul>
 */
public class HashChainWriter {

	private final JdbcClient jdbc;

	/** The last committed link of recently used organizations. */
	private final Cache<String, Head> heads;

	/**
	 * @param rememberedHeads how many organizations' last link to keep in memory; 0 reads
	 * every predecessor's hash from the table
	 */
	public HashChainWriter(JdbcClient jdbc, long rememberedHeads) {
		this.jdbc = jdbc;
		this.heads = Caffeine.newBuilder().maximumSize(rememberedHeads).build();
	}

	/**
	 * Links each event to its organization's previous one, in the order given, within the
	 * caller's transaction.
	 */
	public void link(List<StoredEvent> events) {
		Map<String, Head> linked = new LinkedHashMap<>();
		for (StoredEvent stored : events) {
			String organization = stored.organizationId();
			long version = stored.version();
			Head before = linked.get(organization);
			String previous = (before != null) ? before.hash() : headOf(organization, version);
			String hash = hash(previous, stored);
			this.jdbc
				.sql("INSERT INTO event_hash_chain (organization_id, version, event_id, prev_hash, hash) "
						+ "VALUES (?, ?, ?, ?, ?)")
				.params(organization, version, stored.eventId(), previous, hash)
				.update();
			linked.put(organization, new Head(version, hash));
		}
		rememberOnCommit(linked);
	}

	/**
	 * The hash of a stored event that links to {@code previous}, computed from the
	 * payload as stored: what the audit export carries and every auditor recomputes.
	 */
	public static String hash(String previous, StoredEvent stored) {
		JsonNode payload = MembershipJson.mapper().readTree(stored.payload());
		return HashChain.hash(previous, HashChain.envelope(stored.organizationId(), stored.version(), stored.eventId(),
				stored.event().typeName(), payload.path("occurred_at").asString(), payload));
	}

	/**
	 * The hash the event at {@code version} links to: its predecessor's, or the genesis.
	 */
	private String headOf(String organization, long version) {
		if (version == 1) {
			return HashChain.GENESIS;
		}
		Head remembered = this.heads.getIfPresent(organization);
		if (remembered != null && remembered.version() == version - 1) {
			return remembered.hash();
		}
		return this.jdbc.sql("SELECT hash FROM event_hash_chain WHERE organization_id = ? AND version = ?")
			.params(organization, version - 1)
			.query(String.class)
			.optional()
			.orElseThrow(() -> new IllegalStateException(
					"The hash chain of " + organization + " has no version " + (version - 1)));
	}

	/**
	 * Remembers the organizations' new heads once, and only if, the transaction that
	 * links them commits. Without a transaction to follow nothing is remembered: the next
	 * event reads its predecessor from the table.
	 */
	private void rememberOnCommit(Map<String, Head> linked) {
		if (linked.isEmpty() || !TransactionSynchronizationManager.isSynchronizationActive()) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				linked.forEach((organization, head) -> HashChainWriter.this.heads.asMap()
					.merge(organization, head,
							(remembered, newer) -> (newer.version() > remembered.version()) ? newer : remembered));
			}

		});
	}

	/**
	 * An event as the event store stores it.
	 *
	 * @param version the organization's version the event makes (1 for its first)
	 * @param eventId the event's id, {@code ce_id} on Kafka
	 * @param payload the event's JSON as the event store wrote it (in the published shape
	 * of {@link MembershipJson}), which the hash is computed from
	 */
	public record StoredEvent(String organizationId, long version, String eventId, MembershipEvent event,
			byte[] payload) {
	}

	/** A committed link: the version of an organization's event and its hash. */
	private record Head(long version, String hash) {
	}

}
