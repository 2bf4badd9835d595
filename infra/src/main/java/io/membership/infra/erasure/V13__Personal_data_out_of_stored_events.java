package io.membership.infra.erasure;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import io.membership.audit.personal.AddressMigration;

/**
 * The one-time migration of the addresses in events stored before revision 2
 * ({@link AddressMigration}). A Flyway migration rather than a startup step: Flyway runs
 * it exactly once per database, in one transaction, before anything else of the service
 * touches the tables (the event store, the publisher, the REST API), and records that it
 * did; a crash half-way leaves the store as it was (on PostgreSQL, whose DDL and DML are
 * transactional), and the next start runs it again. It is a Spring bean (Spring Boot
 * hands Flyway every {@code JavaMigration} bean) because re-signing the checkpoints needs
 * the audit key.
 */
class V13__Personal_data_out_of_stored_events extends BaseJavaMigration {

	private final AddressMigration migration;

	V13__Personal_data_out_of_stored_events(AddressMigration migration) {
		this.migration = migration;
	}

	@Override
	public void migrate(Context context) {
		this.migration.migrate(context.getConnection());
	}

}
