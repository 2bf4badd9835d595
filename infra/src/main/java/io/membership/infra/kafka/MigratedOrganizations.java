package io.membership.infra.kafka;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;

import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.audit.AuditCheckpoints;
import io.membership.topics.PersonalDataRecords;
import io.membership.topics.RecordMac;

/**
 * After the one-time migration of stored addresses (Flyway {@code V13}): the events it
 * rewrote were published long ago, with their addresses inside, and the publisher will
 * not send them again; so their addresses go to {@code membership.personal-data.v1} here,
 * with the checkpoints it signed anew to {@code membership.audit-checkpoints.v1}, once
 * per migrated organization. A failure is logged and tried again at the next start.
 */
class MigratedOrganizations {

	private static final Logger logger = LoggerFactory.getLogger(MigratedOrganizations.class);

	private final JdbcClient jdbc;

	private final PublishingProducer producer;

	private final RecordMac mac;

	private final Clock clock;

	private final AuditCheckpoints checkpoints;

	MigratedOrganizations(JdbcClient jdbc, PublishingProducer producer, RecordMac mac, Clock clock,
			AuditCheckpoints checkpoints) {
		this.jdbc = jdbc;
		this.checkpoints = checkpoints;
		this.producer = producer;
		this.mac = mac;
		this.clock = clock;
	}

	@EventListener(ApplicationReadyEvent.class)
	void publishWhatTheMigrationChanged() {
		List<String> organizations = this.jdbc
			.sql("SELECT organization_id FROM personal_data_migration WHERE published_at IS NULL "
					+ "ORDER BY organization_id")
			.query(String.class)
			.list();
		for (String organization : organizations) {
			try {
				publish(organization);
			}
			catch (RuntimeException ex) {
				logger.warn("The addresses and checkpoints of migrated organization {} were not published; the next "
						+ "start tries again", organization, ex);
				return;
			}
		}
	}

	private void publish(String organization) {
		Producer<String, byte[]> kafka = this.producer.instance();
		List<String[]> keys = this.jdbc
			.sql("SELECT p.data_key, p.email FROM personal_data p JOIN personal_data_organizations o "
					+ "ON o.data_key = p.data_key WHERE o.organization_id = ? ORDER BY p.data_key")
			.param(organization)
			.query((row, number) -> new String[] { row.getString(1), row.getString(2) })
			.list();
		for (String[] key : keys) {
			kafka.send(this.mac.sign(PersonalDataRecords.stored(key[0], key[1], organization, this.clock.instant())));
		}
		for (AuditCheckpoints.Checkpoint checkpoint : this.checkpoints.of(organization)) {
			kafka.send(KafkaCheckpointPublisher.record(checkpoint));
		}
		kafka.flush();
		this.jdbc.sql("UPDATE personal_data_migration SET published_at = ? WHERE organization_id = ?")
			.params(this.clock.instant().atOffset(ZoneOffset.UTC), organization)
			.update();
		logger.info("Published the {} addresses and the re-signed checkpoints of migrated organization {}", keys.size(),
				organization);
	}

}
