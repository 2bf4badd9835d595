package io.membership.infra.query;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.topics.RecordMac;
import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.kafka.KafkaSettings;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.OrganizationQuarantine;
import io.membership.query.view.PermissionView;

/** The query side's feed from Kafka. */
@Configuration(proxyBeanMethods = false)
class QuerySideConfiguration {

	/**
	 * @param consumerName this instance's name for its position in the topic; instances
	 * sharing a database must each have their own
	 */
	/**
	 * How many organizations the query side has set aside (answering 503
	 * {@code view_stale}): anything above zero needs an operator and a rebuild.
	 */
	@Bean
	Gauge quarantinedOrganizationsGauge(MeterRegistry registry, PermissionView view) {
		return Gauge.builder("membership.query.organizations.quarantined", view, (held) -> held.setAside().size())
			.description("Organizations whose views are set aside until rebuilt (queries answer view_stale)")
			.register(registry);
	}

	@Bean
	ProjectionConsumer projectionConsumer(KafkaBootstrapServers bootstrapServers, KafkaSettings settings,
			@Value("${membership.query.consumer-name:query-side}") String consumerName, MembershipProjection projection,
			OrganizationQuarantine quarantine, PermissionView view, JdbcClient jdbc,
			PlatformTransactionManager transactionManager, RecordMac recordMac, MeterRegistry meters) {
		return new ProjectionConsumer(bootstrapServers, settings, consumerName, projection, quarantine, view, jdbc,
				new TransactionTemplate(transactionManager), new AuthenticRecords(recordMac, meters));
	}

}
