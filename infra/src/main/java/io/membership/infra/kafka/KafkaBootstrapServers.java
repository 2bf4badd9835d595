package io.membership.infra.kafka;

/**
 * Where the service's Kafka clients connect: the {@code bootstrap.servers} value. Kafka
 * clients take this bean rather than a property, so they are created only after the
 * embedded broker, when there is one, accepts connections.
 *
 * @param value comma-separated {@code host:port} pairs
 */
public record KafkaBootstrapServers(String value) {

	public KafkaBootstrapServers {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("Kafka bootstrap servers must name at least one host:port");
		}
	}

}
