package io.membership.infra.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.infra.support.TestDatabase;
import io.membership.query.read.Timelines;

/**
 * The projection reads the latest states of a poll's members by the timeline's primary
 * key, however the table looked when PostgreSQL planned the statement. A rebuild starts
 * from an empty timeline, and PostgreSQL keeps the generic plan of a statement the driver
 * has prepared: a plan that scans the table is cheap while it is empty and costs a
 * sequential scan of millions of rows a poll once it has grown.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LatestStatesPlanTest {

	private static final int MEMBERS = 500;

	@Test
	void the_generic_plan_of_the_latest_states_made_on_an_empty_timeline_looks_each_member_up_by_its_key()
			throws Exception {
		TestDatabase database = TestDatabase.get();
		String schema = database.migratedSchema("latest_states_plan");
		try {
			DataSource dataSource = new DriverManagerDataSource(database.jdbcUrl(schema), database.username(),
					database.password());
			List<String> prepared = new ArrayList<>();
			Map<OrganizationId, Set<UserId>> members = new LinkedHashMap<>();
			OrganizationId organization = OrganizationId.generate();
			Set<UserId> users = new LinkedHashSet<>();
			for (long user = 1; user <= MEMBERS; user++) {
				users.add(UserId.of(user));
			}
			members.put(organization, users);

			assertThat(new Timelines(JdbcClient.create(recording(dataSource, prepared))).latestStates(members)
				.get(organization)).hasSize(MEMBERS).allSatisfy((user, state) -> assertThat(state).isEmpty());
			String statement = prepared.stream()
				.filter((sql) -> sql.contains("qs_member_timeline"))
				.reduce((first, second) -> second)
				.orElseThrow();

			String plan = genericPlan(dataSource, statement, organization);
			System.out.println("Generic plan of the latest states on an empty timeline:\n" + plan);
			assertThat(plan).doesNotContain("Seq Scan on qs_member_timeline")
				.contains("Index Scan Backward using qs_member_timeline_pkey");
		}
		finally {
			JdbcClient.create(new DriverManagerDataSource(database.jdbcUrl(), database.username(), database.password()))
				.sql("DROP SCHEMA " + schema + " CASCADE")
				.update();
		}
	}

	/**
	 * The plan PostgreSQL makes for the statement once it prepares it for reuse (a
	 * generic plan, as after the driver's fifth execution), with the table as it is now.
	 */
	private static String genericPlan(DataSource dataSource, String statement, OrganizationId organization)
			throws SQLException {
		StringBuilder numbered = new StringBuilder();
		int parameter = 0;
		for (char c : statement.toCharArray()) {
			numbered.append((c == '?') ? "$" + (++parameter) : String.valueOf(c));
		}
		List<String> arguments = new ArrayList<>();
		for (int i = 1; i <= parameter / 2; i++) {
			arguments.add("'" + organization.value() + "'");
			arguments.add(String.valueOf(i));
		}
		StringBuilder plan = new StringBuilder();
		try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
			sql.execute("SET plan_cache_mode = force_generic_plan");
			sql.execute("PREPARE latest_states AS " + numbered);
			try (ResultSet rows = sql
				.executeQuery("EXPLAIN (COSTS OFF) EXECUTE latest_states(" + String.join(", ", arguments) + ")")) {
				while (rows.next()) {
					plan.append(rows.getString(1)).append('\n');
				}
			}
		}
		return plan.toString();
	}

	/** The data source, recording the text of every statement its connections prepare. */
	private static DataSource recording(DataSource dataSource, List<String> prepared) {
		return new DelegatingDataSource(dataSource) {
			@Override
			public Connection getConnection() throws SQLException {
				Connection connection = super.getConnection();
				return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
						new Class<?>[] { Connection.class }, (proxy, method, args) -> {
							if (method.getName().equals("prepareStatement")) {
								prepared.add((String) args[0]);
							}
							try {
								return method.invoke(connection, args);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			}
		};
	}

}
