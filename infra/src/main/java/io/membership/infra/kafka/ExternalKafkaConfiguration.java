package io.membership.infra.kafka;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Production: the embedded broker is off
 * ({@code membership.kafka.embedded.enabled=false}) and the service connects to the
 * brokers named by {@code membership.kafka.bootstrap-servers}, which then must be set.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "membership.kafka.embedded.enabled", havingValue = false)
public class ExternalKafkaConfiguration {

	@Bean
	KafkaBootstrapServers kafkaBootstrapServers(
			@Value("${membership.kafka.bootstrap-servers}") String bootstrapServers) {
		return new KafkaBootstrapServers(bootstrapServers);
	}

}
