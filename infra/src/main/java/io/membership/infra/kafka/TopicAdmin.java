package io.membership.infra.kafka;

import static io.membership.topics.MembershipTopics.CHECKPOINTS;
import static io.membership.topics.MembershipTopics.EVENTS;
import static io.membership.topics.MembershipTopics.PERSONAL_DATA;
import static io.membership.topics.MembershipTopics.ROLES;
import static io.membership.topics.MembershipTopics.SECURITY;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.membership.topics.MembershipTopics;

/**
 * The service's topics ({@link MembershipTopics}) as Kafka's admin client sees them:
 * created at start-up when missing, with {@value MembershipTopics#EVENTS} and the audit
 * checkpoints kept forever, the roles and the personal data compacted and the security
 * events kept as long as the service keeps them; and how far the events topic is written.
 */
final class TopicAdmin {

	private static final Logger logger = LoggerFactory.getLogger(TopicAdmin.class);

	private TopicAdmin() {
	}

	/**
	 * @param securityEventsRetention how long the service keeps security events in its
	 * table, and so on {@value MembershipTopics#SECURITY}
	 */
	static void createMissing(KafkaBootstrapServers bootstrapServers, KafkaSettings settings,
			Duration securityEventsRetention) {
		Properties properties = new Properties();
		properties.putAll(settings.clientProperties());
		properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.value());
		try (Admin admin = Admin.create(properties)) {
			Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
			List<NewTopic> missing = new ArrayList<>();
			KafkaSettings.Topics topics = settings.topics();
			String minInsync = Integer.toString(topics.minInsyncReplicas());
			if (!existing.contains(EVENTS)) {
				missing.add(new NewTopic(EVENTS, topics.partitions(), topics.replicationFactor())
					.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
							TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1",
							TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync)));
			}
			if (!existing.contains(ROLES)) {
				missing.add(new NewTopic(ROLES, topics.partitions(), topics.replicationFactor())
					.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
							TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync)));
			}
			// Compacted, so that an erased address's tombstone leaves nothing of it in
			// time.
			if (!existing.contains(PERSONAL_DATA)) {
				missing.add(new NewTopic(PERSONAL_DATA, topics.partitions(), topics.replicationFactor())
					.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
							TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync)));
			}
			if (!existing.contains(CHECKPOINTS)) {
				missing.add(new NewTopic(CHECKPOINTS, topics.partitions(), topics.replicationFactor())
					.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
							TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1",
							TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync)));
			}
			if (!existing.contains(SECURITY)) {
				missing.add(new NewTopic(SECURITY, topics.partitions(), topics.replicationFactor()).configs(Map.of(
						TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
						TopicConfig.RETENTION_MS_CONFIG, Long.toString(securityEventsRetention.toMillis()),
						TopicConfig.RETENTION_BYTES_CONFIG, "-1", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync)));
			}
			if (missing.isEmpty()) {
				return;
			}
			try {
				admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
				logger.info("Created Kafka topics {}", missing.stream().map(NewTopic::name).toList());
			}
			catch (ExecutionException ex) {
				// Another instance created them at the same moment: what we wanted.
				if (!(ex.getCause() instanceof TopicExistsException)) {
					throw ex;
				}
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Cannot create the Kafka topics at " + bootstrapServers.value(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating the Kafka topics", ex);
		}
	}

	/**
	 * Per partition of {@value MembershipTopics#EVENTS}, the offset its next record will
	 * get; empty while the topic does not exist.
	 */
	static Map<Integer, Long> eventsEndOffsets(KafkaBootstrapServers bootstrapServers, KafkaSettings settings) {
		Properties properties = new Properties();
		properties.putAll(settings.clientProperties());
		properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.value());
		try (Admin admin = Admin.create(properties)) {
			if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(EVENTS)) {
				return Map.of();
			}
			TopicDescription topic = admin.describeTopics(List.of(EVENTS))
				.allTopicNames()
				.get(30, TimeUnit.SECONDS)
				.get(EVENTS);
			Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
			topic.partitions()
				.forEach((partition) -> latest.put(new TopicPartition(EVENTS, partition.partition()),
						OffsetSpec.latest()));
			Map<Integer, Long> end = new TreeMap<>();
			admin.listOffsets(latest)
				.all()
				.get(30, TimeUnit.SECONDS)
				.forEach((partition, offset) -> end.put(partition.partition(), offset.offset()));
			return end;
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException(
					"Cannot read the end offsets of " + EVENTS + " at " + bootstrapServers.value(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while reading the end offsets of " + EVENTS, ex);
		}
	}

}
