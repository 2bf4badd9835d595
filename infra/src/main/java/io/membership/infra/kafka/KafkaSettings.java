package io.membership.infra.kafka;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the service uses Kafka, beyond where it is ({@link KafkaBootstrapServers}).
 *
 * @param clientProperties passed unchanged to every Kafka client the service creates: TLS
 * and SASL settings in production ({@code security.protocol}, {@code sasl.mechanism},
 * {@code sasl.jaas.config}, {@code ssl.truststore.location}, ...)
 * @param topics how the topics are created when they are missing
 * @param deliveryTimeout how long the publisher waits for Kafka to acknowledge a batch
 * before it gives up and tries the batch again
 */
@ConfigurationProperties("membership.kafka")
public record KafkaSettings(@DefaultValue Map<String, String> clientProperties, @DefaultValue Topics topics,
		@DefaultValue("30s") Duration deliveryTimeout) {

	/**
	 * @param partitions partitions of both topics; organizations are spread over them by
	 * key, so this bounds how many consumers of one group share the work
	 * @param replicationFactor 1 on the embedded default's single broker, 3 in production
	 * @param minInsyncReplicas with {@code acks=all}, how many replicas must have a
	 * record before it is acknowledged
	 */
	public record Topics(@DefaultValue("6") int partitions, @DefaultValue("1") short replicationFactor,
			@DefaultValue("1") int minInsyncReplicas) {
	}

}
