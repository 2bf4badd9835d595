package io.membership.infra.kafka;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.audit.AuditCheckpoints;
import io.membership.audit.personal.PersonalData;
import io.membership.audit.security.SecurityEvents;
import io.membership.topics.RecordMac;

/**
 * Wires the publisher: topics first, then the producer, then the processor that uses it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KafkaSettings.class)
class KafkaPublisherConfiguration {

	@Bean(destroyMethod = "close")
	PublishingProducer publishingProducer(KafkaBootstrapServers bootstrapServers, KafkaSettings settings,
			MeterRegistry meters, @Value("${membership.security-events.retention:" + SecurityEvents.DEFAULT_RETENTION
					+ "}") Duration securityEventsRetention) {
		TopicAdmin.createMissing(bootstrapServers, settings, securityEventsRetention);
		return new PublishingProducer(bootstrapServers, settings, meters);
	}

	@Bean
	KafkaEventPublisher kafkaEventPublisher(PublishingProducer producer, MemberRoleStates memberRoles,
			RecordMac recordMac, KafkaSettings settings, PersonalData personalData) {
		return new KafkaEventPublisher(producer, memberRoles, recordMac, settings, personalData);
	}

	/**
	 * Axon's default for event handlers is to log a failure and move on, which here would
	 * skip an event for good. Propagating it makes the processor roll the batch back and
	 * retry it, with back-off, until Kafka takes it.
	 */
	@Bean
	ConfigurerModule publisherFailuresAreRetried() {
		return (configurer) -> configurer.eventProcessing()
			.registerListenerInvocationErrorHandler(KafkaEventPublisher.PROCESSING_GROUP,
					(configuration) -> PropagatingErrorHandler.instance());
	}

	@Bean
	MigratedOrganizations migratedOrganizations(JdbcClient jdbc, PublishingProducer producer, RecordMac recordMac,
			Clock clock, AuditCheckpoints checkpoints) {
		return new MigratedOrganizations(jdbc, producer, recordMac, clock, checkpoints);
	}

	/** The audit trail's signed checkpoints go out through the same producer. */
	@Bean
	KafkaCheckpointPublisher checkpointPublisher(PublishingProducer producer) {
		return new KafkaCheckpointPublisher(producer);
	}

	/** The security events go out through the same producer, signed like the events. */
	@Bean
	KafkaSecurityEventPublisher securityEventPublisher(PublishingProducer producer, RecordMac recordMac,
			MeterRegistry meters) {
		return new KafkaSecurityEventPublisher(producer, recordMac, meters);
	}

	/**
	 * The publisher's lag, read from the token table with the serializer the token store
	 * writes it with (Axon's primary serializer).
	 */
	@Bean
	PublisherLag publisherLag(JdbcClient jdbc, Serializer serializer, Clock clock) {
		return new PublisherLag(jdbc, serializer, KafkaEventPublisher.PROCESSING_GROUP, clock);
	}

	/**
	 * Kafka in the health details, outside readiness (application.yml lists what
	 * readiness includes).
	 */
	@Bean
	KafkaHealthIndicator kafkaHealthIndicator(KafkaBootstrapServers bootstrapServers, KafkaSettings settings,
			PublisherLag lag) {
		return new KafkaHealthIndicator(settings.clientConfiguration(bootstrapServers), lag);
	}

}
