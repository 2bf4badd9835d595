package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.sql.Clob;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.access.Role;
import io.membership.events.ids.UserId;
import io.membership.query.projection.MembershipProjection.Outcome;
import io.membership.query.read.MemberReads.MemberRecord;
import io.membership.query.support.OrganizationHistory;

/**
 * A poll is decided in memory and each row it changes written once: whatever the events
 * of one poll do to the same rows, the tables end as applying the events one per poll
 * leaves them, and the version gate decides each event as it would alone.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PollInMemoryTest {

	@RegisterExtension
	final ProjectedTables oneByOne = new ProjectedTables();

	@RegisterExtension
	final ProjectedTables together = new ProjectedTables();

	/**
	 * Every event type, and rows changed again and again: a member's role changed twice,
	 * activated then changed, an assignment removed and made again, a project's member
	 * removed and added again; a member removed from the organization, in a workspace and
	 * a project that is removed after them, who joins again.
	 */
	private final OrganizationHistory acme = OrganizationHistory.everyEventType("Acme")
		.roleChanged(3, Role.REVIEWER, Role.MANAGER)
		.roleChanged(3, Role.MANAGER, Role.ANNOTATOR)
		.joined(5, Role.NOT_ACTIVATED)
		.activated(5, Role.ANNOTATOR)
		.roleChanged(5, Role.ANNOTATOR, Role.REVIEWER)
		.assigned("ws_images", 3)
		.removedFromWorkspace("ws_images", 3)
		.assigned("ws_images", 3)
		.addedToProject("17", 5, Role.ANNOTATOR)
		.removedFromProject("17", 5, Role.ANNOTATOR)
		.addedToProject("17", 5, null)
		.projectRoleChanged("17", 5, null, Role.REVIEWER)
		.assigned("ws_audio", 5)
		.removed(5, Role.REVIEWER)
		.projectRemoved("17", "ws_audio")
		.joined(5, Role.NOT_ACTIVATED)
		.activated(5, Role.ANNOTATOR)
		.assigned("ws_audio", 5);

	private final OrganizationHistory globex = OrganizationHistory.busy("Globex")
		.roleChanged(3, Role.REVIEWER, Role.ANNOTATOR)
		.roleChanged(3, Role.ANNOTATOR, Role.MANAGER);

	@Test
	void an_organization_created_and_changed_many_times_in_one_poll_ends_as_one_event_per_poll_leaves_it() {
		this.oneByOne.givenOneByOne(this.acme);

		assertThat(
				this.together.addressesOf(this.acme).projection().applyAll(events(this.acme, 1, this.acme.version())))
			.containsOnly(Outcome.APPLIED);

		assertThat(everyRow(this.together)).isEqualTo(everyRow(this.oneByOne));
		assertThat(this.together.timelines().versionOf(this.acme.id())).isEqualTo(this.acme.version());
	}

	@Test
	void rows_stored_by_an_earlier_poll_end_as_one_event_per_poll_leaves_them_wherever_the_polls_split() {
		this.oneByOne.givenOneByOne(this.acme);
		Map<String, List<String>> expected = everyRow(this.oneByOne);

		for (long split = 1; split < this.acme.version(); split++) {
			ProjectedTables tables = new ProjectedTables();
			try {
				tables.addressesOf(this.acme).projection().applyAll(events(this.acme, 1, split));
				tables.projection().applyAll(events(this.acme, split + 1, this.acme.version()));

				assertThat(everyRow(tables)).as("split after version %d", split).isEqualTo(expected);
			}
			finally {
				tables.afterEach(null);
			}
		}
	}

	@Test
	void organizations_interleaved_in_one_poll_each_end_as_their_events_one_per_poll_leave_them() {
		this.oneByOne.givenOneByOne(this.acme);
		this.oneByOne.givenOneByOne(this.globex);
		List<ProjectedEvent> interleaved = new ArrayList<>();
		for (long version = 1; version <= Math.max(this.acme.version(), this.globex.version()); version++) {
			if (version <= this.globex.version()) {
				interleaved.add(this.globex.projected(version));
			}
			if (version <= this.acme.version()) {
				interleaved.add(this.acme.projected(version));
			}
		}

		this.together.addressesOf(this.acme).addressesOf(this.globex).projection().applyAll(interleaved);

		assertThat(everyRow(this.together)).isEqualTo(everyRow(this.oneByOne));
	}

	@Test
	void a_poll_with_duplicates_and_a_gap_applies_each_version_once_and_stops_the_views_before_the_gap() {
		OrganizationHistory history = OrganizationHistory.created("Acme")
			.joined(2, Role.ANNOTATOR)
			.roleChanged(2, Role.ANNOTATOR, Role.REVIEWER)
			.roleChanged(2, Role.REVIEWER, Role.MANAGER)
			.roleChanged(2, Role.MANAGER, Role.ANNOTATOR)
			.roleChanged(2, Role.ANNOTATOR, Role.ADMINISTRATOR);
		this.oneByOne.projection().apply(history.projected(1));
		this.oneByOne.projection().apply(history.projected(2));
		this.oneByOne.projection().apply(history.projected(3));

		assertThat(this.together.projection()
			.applyAll(List.of(history.projected(1), history.projected(2), history.projected(1), history.projected(3),
					history.projected(2), history.projected(5), history.projected(6), history.projected(5))))
			.containsExactly(Outcome.APPLIED, Outcome.APPLIED, Outcome.DUPLICATE, Outcome.APPLIED, Outcome.DUPLICATE,
					Outcome.GAP, Outcome.GAP, Outcome.GAP);

		assertThat(this.together.timelines().versionOf(history.id())).isEqualTo(3);
		assertThat(this.together.members().current(history.id(), UserId.of(2)).map(MemberRecord::role).orElseThrow())
			.isEqualTo(Role.REVIEWER);
		assertThat(this.together.rows("SELECT expected_version, received_version FROM qs_projection_gaps "
				+ "WHERE organization_id = ? ORDER BY received_version", history.id().value()))
			.containsExactly(Map.of("expected_version", 4L, "received_version", 5L),
					Map.of("expected_version", 4L, "received_version", 6L));
		Map<String, List<String>> rows = everyRow(this.together);
		rows.remove("qs_projection_gaps");
		Map<String, List<String>> expected = everyRow(this.oneByOne);
		expected.remove("qs_projection_gaps");
		assertThat(rows).isEqualTo(expected);
	}

	private static List<ProjectedEvent> events(OrganizationHistory history, long from, long to) {
		List<ProjectedEvent> events = new ArrayList<>();
		for (long version = from; version <= to; version++) {
			events.add(history.projected(version));
		}
		return events;
	}

	/** Every row of every projection table, as text, sorted, by table. */
	private static Map<String, List<String>> everyRow(ProjectedTables tables) {
		Map<String, List<String>> rows = new TreeMap<>();
		for (Map<String, Object> table : tables
			.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'PUBLIC'")) {
			String name = table.get("table_name").toString().toLowerCase(Locale.ROOT);
			if (name.startsWith("qs_")) {
				rows.put(name,
						tables.rows("SELECT * FROM " + name).stream().map(PollInMemoryTest::text).sorted().toList());
			}
		}
		return rows;
	}

	private static String text(Map<String, Object> row) {
		Map<String, String> values = new TreeMap<>();
		row.forEach((column, value) -> values.put(column, String.valueOf(readable(value))));
		return values.toString();
	}

	private static Object readable(Object value) {
		if (value instanceof Clob clob) {
			try (Reader reader = clob.getCharacterStream()) {
				StringBuilder text = new StringBuilder();
				char[] buffer = new char[1024];
				for (int read = reader.read(buffer); read >= 0; read = reader.read(buffer)) {
					text.append(buffer, 0, read);
				}
				return text.toString();
			}
			catch (SQLException | IOException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return value;
	}

}
