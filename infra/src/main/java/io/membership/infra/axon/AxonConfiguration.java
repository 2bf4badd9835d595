package io.membership.infra.axon;

import java.time.Duration;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.axonframework.micrometer.GlobalMetricRegistry;
import org.axonframework.micrometer.MetricsConfigurerModule;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotterFactoryBean;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.transaction.PlatformTransactionManager;

import io.membership.audit.HashChainWriter;
import io.membership.audit.personal.PersonalData;
import io.membership.events.json.MembershipJson;

/**
 * Axon without Axon Server: the JDBC event store (tables owned by Flyway), Jackson 3
 * serializers, snapshots and a cache for the Organization aggregate.
 */
@Configuration(proxyBeanMethods = false)
public class AxonConfiguration {

	/** The SQL state of a unique key violation. */
	private static final String UNIQUE_VIOLATION = "23505";

	/**
	 * Without JPA, Axon's JDBC engine falls back to running without transactions unless
	 * it is given Spring's transaction manager explicitly.
	 */
	@Bean
	TransactionManager axonTransactionManager(PlatformTransactionManager transactionManager) {
		return new SpringTransactionManager(transactionManager);
	}

	/**
	 * Axon's own JDBC auto-configuration waits for a DataSource bean that, under Spring
	 * Boot 4's relocated auto-configurations, it is not ordered after; so the JDBC engine
	 * is declared here, where its transaction manager and serializers are explicit too.
	 */
	@Bean
	ConnectionProvider axonConnectionProvider(DataSource dataSource) {
		return new SpringDataSourceConnectionProvider(dataSource);
	}

	@Bean
	EventStorageEngine eventStorageEngine(Serializer serializer,
			@Qualifier("eventSerializer") Serializer eventSerializer, ConnectionProvider connectionProvider,
			TransactionManager transactionManager, org.axonframework.config.Configuration axonConfiguration,
			HashChainWriter chain, PersonalData personalData, JdbcClient jdbc,
			EventUpcasterChain addressFreeRevisions) {
		JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
			.snapshotSerializer(serializer)
			.eventSerializer(eventSerializer)
			.upcasterChain(addressFreeRevisions)
			.snapshotFilter(axonConfiguration.snapshotFilter())
			// A duplicate (aggregate, sequence) key becomes a ConcurrencyException,
			// which the command gateway retries. Matched by SQL state 23505, as
			// PostgreSQL and H2 report it: Axon's JdbcSQLErrorCodesResolver wants an
			// exception type the PostgreSQL driver never throws.
			.persistenceExceptionResolver(new SQLStateResolver(UNIQUE_VIOLATION))
			.connectionProvider(connectionProvider)
			.transactionManager(transactionManager)
			.build();
		return new HashChainingStorageEngine(engine, eventSerializer, chain, transactionManager, personalData, jdbc);
	}

	@Bean
	TokenStore tokenStore(ConnectionProvider connectionProvider, Serializer serializer,
			@Value("${membership.processors.claim-timeout:10s}") Duration claimTimeout) {
		return JdbcTokenStore.builder()
			.connectionProvider(connectionProvider)
			.serializer(serializer)
			.claimTimeout(claimTimeout)
			.build();
	}

	/**
	 * Snapshots, tokens and anything internal to Axon: Jackson 3 with Axon's defaults.
	 */
	@Bean
	@Primary
	Serializer serializer() {
		return Jackson3Serializer.builder().build();
	}

	@Bean
	@Qualifier("messageSerializer")
	Serializer messageSerializer() {
		return Jackson3Serializer.builder().build();
	}

	/**
	 * Events are stored in the published snake_case shape of {@link MembershipJson}, so
	 * the payload column holds byte for byte what Kafka subscribers and auditors read;
	 * the addresses kept apart are put back when an event is read
	 * ({@link PersonalDataSerializer}).
	 */
	@Bean
	@Qualifier("eventSerializer")
	Serializer eventSerializer(PersonalData personalData) {
		return new PersonalDataSerializer(storedEventSerializer(), personalData);
	}

	@Bean
	PersonalData personalData(DataSource dataSource) {
		return new PersonalData(dataSource);
	}

	/**
	 * The upcasters of the events that carried an address in revision 1, in the chain the
	 * event store reads with (they touch disjoint types, so their order does not matter).
	 */
	@Bean
	EventUpcasterChain addressFreeRevisions() {
		return new EventUpcasterChain(AddressFreeRevisions.upcasters());
	}

	/**
	 * The serializer of stored events, for whatever reads the event store outside the
	 * service (the {@code republish} command) as the service does: the addresses kept
	 * apart are not put back by it.
	 */
	public static Serializer storedEventSerializer() {
		return Jackson3Serializer.builder().jsonMapperBuilderCustomizer(MembershipJson::configure).build();
	}

	/**
	 * Takes snapshots off the command thread, so the command that crosses the threshold
	 * is not the one that pays for the snapshot.
	 */
	@Bean
	SpringAggregateSnapshotterFactoryBean snapshotter() {
		SpringAggregateSnapshotterFactoryBean factory = new SpringAggregateSnapshotterFactoryBean();
		factory.setExecutor(Executors.newSingleThreadExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "organization-snapshotter");
			thread.setDaemon(true);
			return thread;
		}));
		return factory;
	}

	/**
	 * An organization with many members and a long history is rebuilt from its latest
	 * snapshot plus at most this many events, so a command on it costs about as much as
	 * on a new one even when the cache has lost it.
	 */
	@Bean
	SnapshotTriggerDefinition organizationSnapshotTrigger(Snapshotter snapshotter,
			@Value("${membership.snapshots.every-events:250}") int threshold) {
		return new EventCountSnapshotTriggerDefinition(snapshotter, threshold);
	}

	/**
	 * Keeps recently used organizations in memory. Safe with several instances: a stale
	 * cached organization fails to append (unique sequence number), the unit of work
	 * rolls back and evicts it, and the gateway retries on fresh state.
	 */
	@Bean
	Cache organizationCache(@Value("${membership.organization-cache.size:2048}") long size) {
		return new BoundedAggregateCache(size);
	}

	/**
	 * Retries a command whose append lost a race with another writer to the same
	 * organization (Axon's {@code ConcurrencyException}), so it is decided again on fresh
	 * state, up to 10 times. Nothing else is retried: a refusal is final, and any other
	 * failure is reported at once rather than repeated.
	 */
	@Bean
	CommandGateway commandGateway(CommandBus commandBus) {
		LostAppendRaceRetries retries = new LostAppendRaceRetries(
				Executors.newSingleThreadScheduledExecutor((runnable) -> {
					Thread thread = new Thread(runnable, "command-retry");
					thread.setDaemon(true);
					return thread;
				}), 10, 10);
		return DefaultCommandGateway.builder().commandBus(commandBus).retryScheduler(retries).build();
	}

	/**
	 * Commands by type and outcome; Axon's auto-configuration puts every command handler
	 * interceptor bean on the command bus.
	 */
	@Bean
	CommandMeters commandMeters(MeterRegistry registry) {
		return new CommandMeters(registry);
	}

	/**
	 * Axon's own message monitors (axon-micrometer) in the registry the management port
	 * serves: the command bus (per command type), the event store and the publisher's
	 * processor. Declared here rather than by Axon's auto-configuration
	 * ({@code axon.metrics.auto-configuration.enabled=false}), which orders itself after
	 * Spring Boot 3's registry auto-configurations by name and, under Boot 4's relocated
	 * ones, could create a registry of its own that nothing scrapes.
	 */
	@Bean
	GlobalMetricRegistry axonMetricRegistry(MeterRegistry registry) {
		return new GlobalMetricRegistry(registry);
	}

	/**
	 * Dimensional: one meter name per component, the message's payload type as a tag, as
	 * Prometheus expects, instead of a name per command type.
	 */
	@Bean
	MetricsConfigurerModule axonMetrics(GlobalMetricRegistry axonMetricRegistry) {
		return new MetricsConfigurerModule(axonMetricRegistry, true);
	}

}
