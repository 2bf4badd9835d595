package io.membership.infra.query;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.membership.infra.OfflineCommands;
import io.membership.infra.kafka.EmbeddedKafkaConfiguration;
import io.membership.infra.kafka.ExternalKafkaConfiguration;
import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.kafka.KafkaSettings;
import io.membership.infra.kafka.RecordMacConfiguration;
import io.membership.query.feed.PartitionLanes;
import io.membership.query.rebuild.ProjectionRebuild;
import io.membership.topics.RecordMac;

/**
 * {@code java -jar membership.jar rebuild-projections [--verify-only]}: rebuilds every
 * projection from the start of the events topic, or with {@code --verify-only} only
 * compares a replay with the live projections.
 *
 * <p>
 * It starts only what it needs, with the service's configuration: the database and Kafka
 * (on the embedded default, the embedded broker over the data directory, so the service
 * must be stopped). No web server, no Axon, no live consumer, no Flyway migration of the
 * live database. Exit status: 0 identical (verify) or rebuilt, 1 the live projections
 * differ (verify), 2 a usage error or the rebuild could not run.
 *
 * <p>
 * The rebuild itself is the query side's ({@link ProjectionRebuild}); this is its command
 * line, which gives it the service's database, Kafka and record key.
 */
public final class ProjectionRebuildCommand {

	static final String USAGE = "usage: rebuild-projections [--verify-only] [--spring.property=value ...]";

	private ProjectionRebuildCommand() {
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		boolean verifyOnly = false;
		List<String> properties = new ArrayList<>();
		for (String arg : args) {
			if (arg.equals("--help") || arg.equals("-h")) {
				out.println(USAGE);
				return 0;
			}
			if (arg.equals("--verify-only")) {
				verifyOnly = true;
			}
			else if (OfflineCommands.isProperty(arg)) {
				properties.add(arg);
			}
			else {
				err.println(USAGE);
				return 2;
			}
		}
		try (ConfigurableApplicationContext context = OfflineCommands.start(Components.class, properties)) {
			ProjectionRebuild rebuild = context.getBean(ProjectionRebuild.class);
			if (verifyOnly) {
				return rebuild.verify(out).identical() ? 0 : 1;
			}
			rebuild.rebuild(out);
			return 0;
		}
		catch (RuntimeException ex) {
			err.println(OfflineCommands.failure("rebuild-projections", ex));
			return 2;
		}
	}

	/**
	 * The database and Kafka as the service configures them, and the rebuild. Not a
	 * {@code @Configuration}, so the service's component scan leaves it alone.
	 */
	@ImportAutoConfiguration(DataSourceAutoConfiguration.class)
	@Import({ EmbeddedKafkaConfiguration.class, ExternalKafkaConfiguration.class, RecordMacConfiguration.class })
	@EnableConfigurationProperties(KafkaSettings.class)
	static class Components {

		@Bean
		ProjectionRebuild projectionRebuild(DataSource dataSource, KafkaBootstrapServers bootstrapServers,
				KafkaSettings settings, @Value("${membership.query.consumer-name:query-side}") String consumerName,
				RecordMac recordMac,
				@Value("${membership.query.projection.lanes:" + PartitionLanes.DEFAULT + "}") int lanes) {
			return new ProjectionRebuild(dataSource, settings.clientConfiguration(bootstrapServers), consumerName,
					recordMac)
				.withLanes(lanes);
		}

	}

}
