package io.membership.infra.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.membership.events.Limits;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.query.projection.ProjectionMigrations;

/**
 * Everything the command side accepts, the query side can store: every projection column
 * that holds a text the API takes is at least as wide as its {@link Limits} entry, on
 * PostgreSQL (the live schema) and on the embedded default's H2 (a scratch database made
 * by the query side's H2 migrations). A column narrower than its limit once froze the
 * query side.
 */
@PostgresServiceTest
class ProjectionColumnLimitsTest {

	/** table.column: the limit of what the command side lets into it. */
	static final Map<String, Integer> LIMITED_COLUMNS = limitedColumns();

	@Autowired
	DataSource live;

	private static Map<String, Integer> limitedColumns() {
		Map<String, Integer> columns = new LinkedHashMap<>();
		columns.put("qs_organizations.name", Limits.NAME);
		columns.put("qs_workspaces.title", Limits.TITLE);
		columns.put("qs_personal_data.email", Limits.EMAIL);
		columns.put("qs_role_history.reason", Limits.REASON);
		columns.put("qs_role_history.correlation_id", Limits.CORRELATION_ID);
		for (String table : new String[] { "qs_organizations", "qs_invitations", "qs_members", "qs_workspaces",
				"qs_member_workspaces", "qs_member_timeline", "qs_role_history", "qs_activity_log",
				"qs_projection_gaps", "qs_quarantined_organizations", "qs_projects", "qs_project_members",
				"qs_project_timeline" }) {
			columns.put(table + ".organization_id", Limits.ID);
		}
		columns.put("qs_invitations.invitation_id", Limits.ID);
		columns.put("qs_workspaces.workspace_id", Limits.ID);
		columns.put("qs_member_workspaces.workspace_id", Limits.ID);
		columns.put("qs_activity_log.workspace_id", Limits.ID);
		columns.put("qs_activity_log.event_id", Limits.ID);
		columns.put("qs_role_history.event_id", Limits.ID);
		columns.put("qs_projects.title", Limits.TITLE);
		columns.put("qs_project_timeline.title", Limits.TITLE);
		for (String column : new String[] { "qs_projects.project_id", "qs_projects.workspace_id",
				"qs_project_members.project_id", "qs_project_timeline.project_id", "qs_project_timeline.workspace_id",
				"qs_role_history.project_id", "qs_activity_log.project_id" }) {
			columns.put(column, Limits.ID);
		}
		// A key of the personal-data topic: "invitation:" and the longest id.
		columns.put("qs_personal_data.data_key", "invitation:".length() + Limits.ID);
		columns.put("qs_activity_log.personal_data_key", "invitation:".length() + Limits.ID);
		return columns;
	}

	@Test
	void every_projection_column_on_postgresql_holds_the_longest_value_the_command_side_accepts() throws SQLException {
		try (Connection connection = this.live.getConnection()) {
			assertColumnsHoldTheirLimits(connection);
		}
	}

	@Test
	void every_projection_column_on_the_embedded_h2_holds_the_longest_value_the_command_side_accepts()
			throws SQLException {
		SingleConnectionDataSource h2 = new SingleConnectionDataSource(
				"jdbc:h2:mem:limits_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", "",
				true);
		try {
			Flyway.configure()
				.dataSource(h2)
				.locations(ProjectionMigrations.COMMON, ProjectionMigrations.H2)
				.load()
				.migrate();
			try (Connection connection = h2.getConnection()) {
				assertColumnsHoldTheirLimits(connection);
			}
		}
		finally {
			h2.destroy();
		}
	}

	private static void assertColumnsHoldTheirLimits(Connection connection) throws SQLException {
		Map<String, Integer> widths = new LinkedHashMap<>();
		DatabaseMetaData metadata = connection.getMetaData();
		try (ResultSet columns = metadata.getColumns(connection.getCatalog(), connection.getSchema(), "%", "%")) {
			while (columns.next()) {
				String name = (columns.getString("TABLE_NAME") + "." + columns.getString("COLUMN_NAME"))
					.toLowerCase(Locale.ROOT);
				widths.put(name, columns.getInt("COLUMN_SIZE"));
			}
		}
		assertThat(widths).as("the projection columns").containsKeys(LIMITED_COLUMNS.keySet().toArray(String[]::new));
		LIMITED_COLUMNS.forEach((column, limit) -> assertThat(widths.get(column))
			.as("%s holds the %d characters the command side accepts", column, limit)
			.isGreaterThanOrEqualTo(limit));
	}

}
