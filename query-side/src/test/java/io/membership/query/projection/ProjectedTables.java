package io.membership.query.projection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.query.read.ActivityLogReads;
import io.membership.query.read.MemberReads;
import io.membership.query.read.Timelines;
import io.membership.query.read.WorkspaceReads;
import io.membership.query.rebuild.ScratchDatabase;
import io.membership.query.support.OrganizationHistory;

/**
 * The query side's tables in an in-memory H2 database made by their own migrations, the
 * projection writing into them as the feed runs it (a poll's events in one batch), and
 * the reads that answer the queries from them: what the writers' tests give events to and
 * read back what a user would see. Registered as an extension, it drops the database
 * after each test.
 */
final class ProjectedTables implements AfterEachCallback {

	private final ScratchDatabase database = new ScratchDatabase();

	private final JdbcClient jdbc = JdbcClient.create(this.database.dataSource());

	private final MembershipProjection projection = new MembershipProjection(this.jdbc,
			new JdbcTemplate(this.database.dataSource()));

	/**
	 * Applies every event of the history, in order, as one poll, after the addresses they
	 * refer to (as the publisher writes them to the personal-data topic first).
	 */
	ProjectedTables given(OrganizationHistory history) {
		addressesOf(history);
		List<ProjectedEvent> events = new ArrayList<>();
		for (long version = 1; version <= history.version(); version++) {
			events.add(history.projected(version));
		}
		this.projection.applyAll(events);
		return this;
	}

	/** Applies every event of the history, in order, each in a poll of its own. */
	ProjectedTables givenOneByOne(OrganizationHistory history) {
		addressesOf(history);
		for (long version = 1; version <= history.version(); version++) {
			this.projection.apply(history.projected(version));
		}
		return this;
	}

	/** What the personal-data topic holds for the history's events. */
	ProjectedTables addressesOf(OrganizationHistory history) {
		history.addresses(history.version())
			.forEach((address) -> personalData().published(address.key(), address.email(), address.publishedAt()));
		return this;
	}

	PersonalDataProjection personalData() {
		return new PersonalDataProjection(this.jdbc);
	}

	MembershipProjection projection() {
		return this.projection;
	}

	Timelines timelines() {
		return new Timelines(this.jdbc);
	}

	MemberReads members() {
		return new MemberReads(this.jdbc, timelines());
	}

	WorkspaceReads workspaces() {
		return new WorkspaceReads(this.jdbc);
	}

	ActivityLogReads activityLog() {
		return new ActivityLogReads(this.jdbc);
	}

	/**
	 * The rows a query selects, for the tables no read answers from yet; by lower-case
	 * column name, as the statements spell them.
	 */
	List<Map<String, Object>> rows(String sql, Object... params) {
		return this.jdbc.sql(sql).params(params).query().listOfRows().stream().map((row) -> {
			Map<String, Object> named = new LinkedHashMap<>();
			row.forEach((column, value) -> named.put(column.toLowerCase(Locale.ROOT), value));
			return named;
		}).toList();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.database.close();
	}

}
