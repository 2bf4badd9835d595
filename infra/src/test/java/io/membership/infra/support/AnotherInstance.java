package io.membership.infra.support;

import javax.sql.DataSource;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.audit.HashChainWriter;
import io.membership.audit.personal.PersonalData;
import io.membership.infra.axon.HashChainingStorageEngine;

/**
 * What a second instance of the service on the same database writes with, for tests that
 * race this instance against one: its own event store engine and its own chain writer,
 * with nothing remembered.
 */
public final class AnotherInstance {

	private AnotherInstance() {
	}

	/** The event store of a second instance, built as the service builds its own. */
	public static EventStorageEngine eventStore(DataSource dataSource, Serializer snapshotSerializer,
			Serializer eventSerializer, TransactionManager transactions) {
		JdbcEventStorageEngine engine = JdbcEventStorageEngine.builder()
			.snapshotSerializer(snapshotSerializer)
			.eventSerializer(eventSerializer)
			.persistenceExceptionResolver(new SQLStateResolver("23505"))
			.connectionProvider(new SpringDataSourceConnectionProvider(dataSource))
			.transactionManager(transactions)
			.build();
		return new HashChainingStorageEngine(engine, eventSerializer,
				new HashChainWriter(JdbcClient.create(dataSource), 2048), transactions, new PersonalData(dataSource),
				JdbcClient.create(dataSource));
	}

}
