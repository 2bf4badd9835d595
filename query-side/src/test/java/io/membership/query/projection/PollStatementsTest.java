package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import io.membership.events.access.Role;
import io.membership.query.rebuild.ScratchDatabase;
import io.membership.query.support.OrganizationHistory;

/**
 * What a poll costs the database is a few statements per table it changes, however many
 * events it holds: the round trips (statements executed, a JDBC batch counting once) of a
 * poll do not grow with its events.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PollStatementsTest {

	@Test
	void a_poll_of_many_organizations_takes_as_many_round_trips_as_a_poll_of_few() {
		int few = roundTrips(2);
		int many = roundTrips(20);

		System.out.printf("Round trips of a poll: %d for 2 organizations' histories, %d for 20%n", few, many);
		assertThat(many).isEqualTo(few);
	}

	/**
	 * Applies a poll holding the histories of this many organizations, whole and then
	 * continued, and counts its round trips.
	 */
	private static int roundTrips(int organizations) {
		List<OrganizationHistory> histories = new ArrayList<>();
		for (int i = 0; i < organizations; i++) {
			histories.add(OrganizationHistory.busy("Org " + i)
				.roleChanged(3, Role.REVIEWER, Role.MANAGER)
				.assigned("ws_images", 2)
				.joined(4, Role.NOT_ACTIVATED)
				.activated(4, Role.ANNOTATOR));
		}
		try (ScratchDatabase database = new ScratchDatabase()) {
			AtomicInteger executed = new AtomicInteger();
			DataSource counted = counting(database.dataSource(), executed);
			MembershipProjection projection = new MembershipProjection(JdbcClient.create(counted),
					new JdbcTemplate(counted));
			List<ProjectedEvent> first = new ArrayList<>();
			List<ProjectedEvent> then = new ArrayList<>();
			for (OrganizationHistory history : histories) {
				for (long version = 1; version <= history.version(); version++) {
					(version <= 6 ? first : then).add(history.projected(version));
				}
			}
			projection.applyAll(first);
			executed.set(0);
			projection.applyAll(then);
			int count = executed.get();
			System.out.printf("%d events from %d organizations: %d round trips, %.2f per event%n", then.size(),
					organizations, count, (double) count / then.size());
			return count;
		}
	}

	/** The data source, counting every statement its connections execute. */
	private static DataSource counting(DataSource dataSource, AtomicInteger executed) {
		return new DelegatingDataSource(dataSource) {

			@Override
			public Connection getConnection() throws SQLException {
				return proxy(Connection.class, super.getConnection(), executed);
			}

		};
	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, T target, AtomicInteger executed) {
		return (T) Proxy.newProxyInstance(PollStatementsTest.class.getClassLoader(), new Class<?>[] { type },
				(proxy, method, args) -> {
					if (method.getName().startsWith("execute")) {
						executed.incrementAndGet();
					}
					Object result;
					try {
						result = method.invoke(target, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
					if (result instanceof Statement statement && !(result instanceof Connection)) {
						Class<? extends Statement> kind = (result instanceof java.sql.PreparedStatement)
								? java.sql.PreparedStatement.class : Statement.class;
						return proxy((Class<Statement>) kind, statement, executed);
					}
					return result;
				});
	}

}
