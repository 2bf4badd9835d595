package io.membership.infra.kafka;

import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default: the service runs its own Kafka broker, so it needs no server
 * installed. It is on unless {@code membership.kafka.embedded.enabled=false}, which
 * production sets to use its own brokers instead ({@link ExternalKafkaConfiguration}).
 *
 * <p>
 * The broker keeps its log in {@code ${membership.data-dir}/kafka}, beside the service's
 * other data, so a restart of the service reopens every record already written.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "membership.kafka.embedded.enabled", matchIfMissing = true)
public class EmbeddedKafkaConfiguration {

	// Started here rather than by an init method so that the broker is accepting
	// connections by the time any bean that takes KafkaBootstrapServers is created.
	@Bean(destroyMethod = "close")
	EmbeddedKafkaBroker embeddedKafkaBroker(@Value("${membership.kafka.embedded.port:9092}") int port,
			@Value("${membership.data-dir:./data}") String dataDirectory) {
		EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(port, Path.of(dataDirectory, "kafka"));
		broker.start();
		return broker;
	}

	@Bean
	KafkaBootstrapServers kafkaBootstrapServers(EmbeddedKafkaBroker embeddedKafkaBroker) {
		return new KafkaBootstrapServers(embeddedKafkaBroker.bootstrapServers());
	}

}
