package io.membership.query.rebuild;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.membership.query.projection.ProjectionMigrations;

/**
 * A new in-memory H2 database holding the query side's tables, empty, as its own H2
 * migrations make them ({@link ProjectionMigrations}); gone once closed. A rebuild
 * replays the topic into one; the query side's tests project into one, as the embedded
 * default's database would hold the tables.
 */
public final class ScratchDatabase implements AutoCloseable {

	private final String url = "jdbc:h2:mem:scratch_" + UUID.randomUUID().toString().replace("-", "")
			+ ";DB_CLOSE_DELAY=-1";

	private final SingleConnectionDataSource dataSource;

	public ScratchDatabase() {
		// One connection, kept open: a replay runs thousands of statements, and an
		// in-memory database lives only as long as a connection to it.
		this.dataSource = new SingleConnectionDataSource(this.url, "sa", "", true);
		Flyway.configure()
			.dataSource(this.dataSource)
			.locations(ProjectionMigrations.COMMON, ProjectionMigrations.H2)
			.loggers("slf4j")
			.load()
			.migrate();
	}

	/** The database's one kept connection, shared by whoever uses it. */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * The same database with a connection of its own for each use (each transaction, or
	 * each statement outside one), for work that runs on several threads at once, as a
	 * replay's lanes do. Opening one costs a few microseconds, in the JVM.
	 */
	public DataSource connections() {
		return new DriverManagerDataSource(this.url, "sa", "");
	}

	/** The database's one connection; closing it leaves it open. */
	public Connection connection() {
		try {
			return this.dataSource.getConnection();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		try (Statement shutdown = this.dataSource.getConnection().createStatement()) {
			shutdown.execute("SHUTDOWN");
		}
		catch (SQLException ex) {
			// Gone with the JVM anyway.
		}
		this.dataSource.destroy();
	}

}
