package io.membership.infra.kafka;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.membership.audit.security.SecurityEvents;
import io.membership.infra.OfflineCommands;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * {@code java -jar membership.jar republish}: writes {@value MembershipTopics#EVENTS},
 * {@value MembershipTopics#ROLES}, {@value MembershipTopics#CHECKPOINTS} and
 * {@value MembershipTopics#SECURITY} anew from the database ({@link TopicRepublisher}),
 * after Kafka lost its log or to move to a new cluster. Every instance of the service
 * must be stopped.
 *
 * <p>
 * Like {@code rebuild-projections} it starts only what it needs, with the service's
 * configuration: the database and Kafka (on the embedded default, the embedded broker
 * over the data directory). Exit status: 0 written, 2 a usage error, a refusal or a
 * failure.
 */
public final class RepublishCommand {

	static final String USAGE = "usage: republish [--spring.property=value ...]";

	private RepublishCommand() {
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		List<String> properties = new ArrayList<>();
		for (String arg : args) {
			if (arg.equals("--help") || arg.equals("-h")) {
				out.println(USAGE);
				return 0;
			}
			if (OfflineCommands.isProperty(arg)) {
				properties.add(arg);
			}
			else {
				err.println(USAGE);
				return 2;
			}
		}
		try (ConfigurableApplicationContext context = OfflineCommands.start(Components.class, properties)) {
			TopicRepublisher.Report report = context.getBean(TopicRepublisher.class).republish(out);
			signedFromTheStart(context, out);
			out.printf(
					"republished %,d events of %,d organizations to %s, %,d member states to %s, %,d checkpoints "
							+ "to %s and %,d security events to %s%n",
					report.events(), report.organizations(), MembershipTopics.EVENTS, report.memberStates(),
					MembershipTopics.ROLES, report.checkpoints(), MembershipTopics.CHECKPOINTS, report.securityEvents(),
					MembershipTopics.SECURITY);
			out.printf("the query side forgot %d stored positions: it reads the new topic from its start at its next "
					+ "start, skipping what its views hold%n", report.forgottenPositions());
			return 0;
		}
		catch (RuntimeException ex) {
			err.println(OfflineCommands.failure("republish", ex));
			return 2;
		}
	}

	/**
	 * Every record of the new topic is signed, so none may be accepted without a MAC: the
	 * embedded default's record of where unsigned records ended on the old topic no
	 * longer applies, and a configured one should go.
	 */
	private static void signedFromTheStart(ConfigurableApplicationContext context, PrintStream out) {
		String configured = context.getEnvironment().getProperty("membership.kafka.unsigned-records-below", "");
		if (!configured.isBlank()) {
			out.println("note: remove MEMBERSHIP_KAFKA_UNSIGNED_RECORDS_BELOW (" + configured
					+ "): every record of the new topic is signed");
		}
		Path unsignedFile = Path.of(context.getEnvironment().getProperty("membership.data-dir", "./data"))
			.resolve(RecordMacConfiguration.UNSIGNED_BELOW_FILE);
		if (Files.exists(unsignedFile)) {
			RecordMacConfiguration.writeOffsets(unsignedFile, Map.of());
		}
	}

	/**
	 * The database and Kafka as the service configures them, the record key, and the
	 * publisher's producer. Not a {@code @Configuration}, so the service's component scan
	 * leaves it alone.
	 */
	@ImportAutoConfiguration(DataSourceAutoConfiguration.class)
	@Import({ EmbeddedKafkaConfiguration.class, ExternalKafkaConfiguration.class, RecordMacConfiguration.class })
	@EnableConfigurationProperties(KafkaSettings.class)
	static class Components {

		@Bean(destroyMethod = "close")
		PublishingProducer publishingProducer(KafkaBootstrapServers bootstrapServers, KafkaSettings settings) {
			return new PublishingProducer(bootstrapServers, settings, new SimpleMeterRegistry());
		}

		@Bean
		TopicRepublisher topicRepublisher(DataSource dataSource, KafkaBootstrapServers bootstrapServers,
				KafkaSettings settings, PublishingProducer producer, RecordMac recordMac,
				@Value("${membership.processors.claim-timeout:10s}") Duration claimTimeout,
				@Value("${membership.security-events.retention:" + SecurityEvents.DEFAULT_RETENTION
						+ "}") Duration securityEventsRetention) {
			return new TopicRepublisher(dataSource, bootstrapServers, settings, producer, recordMac, claimTimeout,
					securityEventsRetention);
		}

	}

}
