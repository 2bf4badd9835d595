package io.membership.infra.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
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
	 * What a Kafka client needs to reach the service's brokers: where they are and
	 * {@link #clientProperties}, for a client that lives outside this module (the query
	 * side's feed and rebuild) to add its own settings to.
	 */
	public Map<String, Object> clientConfiguration(KafkaBootstrapServers bootstrapServers) {
		Map<String, Object> configuration = new HashMap<>(this.clientProperties);
		configuration.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.value());
		return configuration;
	}

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
