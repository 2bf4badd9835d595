package io.membership.infra.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.membership.events.MemberRoleChanged;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.topics.CloudEventRecords;
import io.membership.topics.RecordMac;

/**
 * Records as someone who can write to {@code membership.events.v1} but does not hold the
 * service's key would write them: exactly what the publisher writes
 * ({@link CloudEventRecords}: valid JSON, every CloudEvents header, here a version of the
 * attacker's choosing), with no MAC or a made-up one, sent with a plain
 * {@link KafkaProducer}.
 */
public final class ForgedRecords {

	/**
	 * A MAC header of the right form under the test key's id, but not computed with it.
	 */
	public static final String WRONG_MAC = "v1:test:" + "A".repeat(43);

	private ForgedRecords() {
	}

	/**
	 * A role change of {@code userId} to {@code toRole} at {@code version}, by the Owner,
	 * with {@code mac} as the MAC header unless it is null.
	 */
	public static ProducerRecord<String, byte[]> roleChange(String organization, long ownerId, long userId,
			Role fromRole, Role toRole, long version, String correlation, String mac) {
		MemberRoleChanged event = new MemberRoleChanged(new OrganizationId(organization), UserId.of(userId), fromRole,
				toRole, "forged", UserId.of(ownerId), Instant.now(), correlation);
		ProducerRecord<String, byte[]> record = CloudEventRecords.of(event, UUID.randomUUID().toString(), version);
		if (mac != null) {
			record.headers().add(RecordMac.HEADER, mac.getBytes(StandardCharsets.UTF_8));
		}
		return record;
	}

	/** Writes the records with a plain producer and answers where they landed. */
	@SafeVarargs
	public static List<RecordMetadata> write(String bootstrapServers, ProducerRecord<String, byte[]>... records)
			throws InterruptedException, ExecutionException {
		Properties properties = new Properties();
		properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		List<RecordMetadata> written = new ArrayList<>();
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
				new ByteArraySerializer())) {
			for (ProducerRecord<String, byte[]> record : records) {
				written.add(producer.send(record).get());
			}
		}
		return written;
	}

}
