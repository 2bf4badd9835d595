package io.membership.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

@DisplayNameGeneration(ReplaceUnderscores.class)
class KafkaConfigurationTest {

	// The placeholder configurer resolves @Value strictly, as in the running application.
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class))
		.withUserConfiguration(EmbeddedKafkaConfiguration.class, ExternalKafkaConfiguration.class);

	@TempDir
	Path dataDirectory;

	@Test
	void by_default_the_embedded_broker_runs_with_its_log_in_the_data_directory_until_the_context_closes() {
		AtomicReference<EmbeddedKafkaBroker> brokerOfTheContext = new AtomicReference<>();

		this.contextRunner
			.withPropertyValues("membership.data-dir=" + this.dataDirectory, "membership.kafka.embedded.port=0")
			.withBean(ClusterIdReader.class)
			.run((context) -> {
				EmbeddedKafkaBroker broker = context.getBean(EmbeddedKafkaBroker.class);
				brokerOfTheContext.set(broker);
				assertThat(broker.logDirectory()).isEqualTo(this.dataDirectory.resolve("kafka").toAbsolutePath());
				assertThat(this.dataDirectory.resolve("kafka/meta.properties")).isRegularFile();
				assertThat(context.getBean(KafkaBootstrapServers.class).value()).isEqualTo(broker.bootstrapServers());
				assertThat(context.getBean(ClusterIdReader.class).clusterId).isEqualTo(broker.clusterId());
			});

		assertThatIllegalStateException().isThrownBy(brokerOfTheContext.get()::bootstrapServers);
	}

	@Test
	void production_switches_the_embedded_broker_off_and_names_its_own_brokers() {
		this.contextRunner
			.withPropertyValues("membership.kafka.embedded.enabled=false",
					"membership.kafka.bootstrap-servers=kafka-1:9092,kafka-2:9092")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(EmbeddedKafkaBroker.class);
				assertThat(context.getBean(KafkaBootstrapServers.class).value()).isEqualTo("kafka-1:9092,kafka-2:9092");
			});
	}

	@Test
	void without_the_embedded_broker_the_bootstrap_servers_must_be_named() {
		this.contextRunner.withPropertyValues("membership.kafka.embedded.enabled=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("membership.kafka.bootstrap-servers"));
	}

	/**
	 * Stands for any Kafka client of the service: it talks to the broker as soon as it is
	 * created.
	 */
	static class ClusterIdReader {

		final String clusterId;

		ClusterIdReader(KafkaBootstrapServers bootstrapServers) throws InterruptedException, ExecutionException {
			try (Admin admin = Admin
				.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.value()))) {
				this.clusterId = admin.describeCluster().clusterId().get();
			}
		}

	}

}
