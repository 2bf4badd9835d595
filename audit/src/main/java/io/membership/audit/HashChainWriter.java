package io.membership.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import io.membership.audit.chain.HashChain;
import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;

/**
 * Links stored events into their organizations' hash chains: the one place that writes
 * {@code event_hash_chain}. The event store calls it in the transaction that stores the
 * events, so an event is never stored without its {@code prev_hash} and {@code hash}, and
 * a chain row never without its event.
 */
public class HashChainWriter {

	private final JdbcClient jdbc;

	public HashChainWriter(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Links each event to its organization's previous one, in the order given, within the
	 * caller's transaction.
	 */
	public void link(List<StoredEvent> events) {
		Map<String, String> heads = new HashMap<>();
		for (StoredEvent stored : events) {
			String organization = stored.organizationId();
			long version = stored.version();
			String previous = heads.computeIfAbsent(organization, (id) -> headOf(id, version));
			JsonNode payload = MembershipJson.mapper().valueToTree(stored.event());
			String hash = HashChain.hash(previous, HashChain.envelope(organization, version, stored.eventId(),
					stored.event().typeName(), payload.path("occurred_at").asString(), payload));
			this.jdbc
				.sql("INSERT INTO event_hash_chain (organization_id, version, event_id, prev_hash, hash) "
						+ "VALUES (?, ?, ?, ?, ?)")
				.params(organization, version, stored.eventId(), previous, hash)
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

	/**
	 * An event as the event store stores it.
	 *
	 * @param version the organization's version the event makes (1 for its first)
	 * @param eventId the event's id, {@code ce_id} on Kafka
	 */
	public record StoredEvent(String organizationId, long version, String eventId, MembershipEvent event) {
	}

}
