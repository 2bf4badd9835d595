package io.membership.infra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;

import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * The failures that mean "the database cannot be reached", as they were seen arriving
 * while the fault-injection suite cut PostgreSQL off, and some that do not.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DatabaseUnavailableTest {

	@Test
	void a_pool_timeout_behind_springs_translation_is_the_database_being_away() {
		assertThat(DatabaseUnavailable.causedBy(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
				new SQLTransientConnectionException("Connection is not available, request timed out after 2001ms"))))
			.isTrue();
		assertThat(DatabaseUnavailable.causedBy(new CannotCreateTransactionException("Could not open JDBC Connection")))
			.isTrue();
	}

	@Test
	void an_io_error_inside_axons_event_store_is_the_database_being_away() {
		SQLException io = new SQLException("An I/O error occurred while sending to the backend.", "08006",
				new SocketException("Connection reset by peer"));
		BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT INTO DomainEventEntry was aborted",
				null, 0, new int[0]);
		batch.setNextException(io);
		assertThat(DatabaseUnavailable.causedBy(new EventStoreException("could not be persisted", batch))).isTrue();
		assertThat(DatabaseUnavailable.causedBy(new IllegalStateException("wrapped", io))).isTrue();
	}

	@Test
	void the_server_shutting_down_or_refusing_connections_is_the_database_being_away() {
		assertThat(DatabaseUnavailable.causedBy(new SQLException("terminating connection", "57P01"))).isTrue();
		assertThat(DatabaseUnavailable.causedBy(new SQLException("too many connections", "53300"))).isTrue();
	}

	@Test
	void a_broken_rule_or_a_bug_is_not() {
		assertThat(DatabaseUnavailable.causedBy(new DuplicateKeyException("duplicate key",
				new SQLIntegrityConstraintViolationException("duplicate", "23505"))))
			.isFalse();
		assertThat(DatabaseUnavailable.causedBy(new SQLException("syntax error", "42601"))).isFalse();
		assertThat(DatabaseUnavailable.causedBy(new NullPointerException())).isFalse();
		assertThat(DatabaseUnavailable.causedBy(new IllegalStateException("no cause"))).isFalse();
	}

}
