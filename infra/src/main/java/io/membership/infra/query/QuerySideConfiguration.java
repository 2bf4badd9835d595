package io.membership.infra.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.kafka.KafkaSettings;
import io.membership.infra.web.DatabaseUnavailable;
import io.membership.query.feed.AuthenticRecords;
import io.membership.query.feed.PartitionLanes;
import io.membership.query.feed.ProjectionConsumer;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.OrganizationQuarantine;
import io.membership.query.view.PermissionView;
import io.membership.topics.RecordMac;

/**
 * Wires the query side's feed from Kafka to what this service runs it with: its Kafka
 * cluster, its record key, its database, and its one definition of an unreachable
 * database.
 */
@Configuration(proxyBeanMethods = false)
class QuerySideConfiguration {

	/**
	 * @param consumerName this instance's name for its position in the topic; instances
	 * sharing a database must each have their own
	 * @param lanes how many groups of partitions each poll is split into, applied side by
	 * side, each in a transaction of its own
	 */
	@Bean
	ProjectionConsumer projectionConsumer(KafkaBootstrapServers bootstrapServers, KafkaSettings settings,
			@Value("${membership.query.consumer-name:query-side}") String consumerName, MembershipProjection projection,
			OrganizationQuarantine quarantine, PermissionView view, JdbcClient jdbc,
			PlatformTransactionManager transactionManager, RecordMac recordMac, MeterRegistry meters,
			ObservationRegistry observations,
			@Value("${membership.query.projection.lanes:" + PartitionLanes.DEFAULT + "}") int lanes) {
		return new ProjectionConsumer(settings.clientConfiguration(bootstrapServers), consumerName, projection,
				quarantine, view, jdbc, new TransactionTemplate(transactionManager),
				new AuthenticRecords(recordMac, meters), DatabaseUnavailable::causedBy, meters, observations, lanes);
	}

}
