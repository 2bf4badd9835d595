package io.membership.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.infra.kafka.MemberRoleStates.Changes;
import io.membership.infra.kafka.MemberRoleStates.MemberRoleState;
import io.membership.infra.support.PostgresServiceTest;

/**
 * The publisher applies a whole batch of events before it writes the members' states:
 * what it publishes and what it leaves stored must be what applying and storing one event
 * at a time gives, also when a later event of the batch needs what an earlier one changed
 * (a project removed from members added to it in the same batch) and when a batch is
 * published again after a crash.
 */
@PostgresServiceTest
class MemberRoleStatesBatchTest {

	private static final UserId OWNER = UserId.of(1);

	private static final UserId MEMBER = UserId.of(42);

	private static final UserId OTHER = UserId.of(43);

	private static final WorkspaceId WORKSPACE = new WorkspaceId("ws_a");

	private static final ProjectId PROJECT = new ProjectId("17");

	private static final Instant AT = Instant.parse("2026-11-26T21:00:00Z");

	@Autowired
	MemberRoleStates states;

	@Autowired
	JdbcClient jdbc;

	@Test
	void a_batch_publishes_and_stores_what_one_event_at_a_time_does() {
		OrganizationId oneByOne = OrganizationId.generate();
		OrganizationId batched = OrganizationId.generate();

		List<MemberRoleState> published = apply(history(oneByOne), 1);
		List<MemberRoleState> publishedInOneBatch = apply(history(batched), 100);

		assertThat(withoutOrganization(publishedInOneBatch)).isEqualTo(withoutOrganization(published));
		assertThat(stored(batched)).isEqualTo(stored(oneByOne))
			.containsExactly(Map.of("user_id", 1L, "role", "AD", "workspaces", "[]", "projects", "{}", "version", 11L),
					Map.of("user_id", 42L, "role", "OW", "workspaces", "[\"ws_a\"]", "projects", "{}", "version", 11L),
					Map.of("user_id", 43L, "role", "DI", "workspaces", "[\"ws_a\"]", "projects", "{}", "version", 12L));
	}

	@Test
	void a_batch_published_again_after_a_crash_leaves_the_same_states() {
		OrganizationId once = OrganizationId.generate();
		OrganizationId twice = OrganizationId.generate();
		List<MemberRoleState> published = apply(history(once), 100);

		apply(history(twice), 5);
		List<MemberRoleState> publishedAgain = apply(history(twice), 100);

		assertThat(withoutOrganization(publishedAgain)).isEqualTo(withoutOrganization(published));
		assertThat(stored(twice)).isEqualTo(stored(once));
	}

	/** An organization's events, at versions 1 to 12. */
	private static List<MembershipEvent> history(OrganizationId org) {
		return List.of(
				new OrganizationCreated(org, "Acme", OWNER, "owner@acme.test", new InviteLinkId("lnk_1"), OWNER, AT,
						"c"),
				new MemberJoined(org, MEMBER, "member@acme.test", Role.ANNOTATOR, null, Set.of(), MEMBER, AT, "c"),
				new WorkspaceCreated(org, WORKSPACE, "Medical images", OWNER, AT, "c"),
				new MemberAssignedToWorkspace(org, WORKSPACE, MEMBER, OWNER, AT, "c"),
				new MemberRoleChanged(org, MEMBER, Role.ANNOTATOR, Role.REVIEWER, null, OWNER, AT, "c"),
				new ProjectRegistered(org, PROJECT, WORKSPACE, "Chest X-rays", false, OWNER, AT, "c"),
				new MemberAddedToProject(org, PROJECT, MEMBER, Role.REVIEWER, null, OWNER, AT, "c"),
				new MemberJoined(org, OTHER, "other@acme.test", Role.ANNOTATOR, null, Set.of(WORKSPACE), OTHER, AT,
						"c"),
				new MemberAddedToProject(org, PROJECT, OTHER, null, null, OWNER, AT, "c"),
				new ProjectRemoved(org, PROJECT, WORKSPACE, OWNER, AT, "c"),
				new OwnershipTransferred(org, OWNER, MEMBER, Role.REVIEWER, OWNER, AT, "c"),
				new MemberDeactivated(org, OTHER, Role.ANNOTATOR, "left the team", OWNER, AT, "c"));
	}

	/**
	 * Applies the events in batches of {@code batchSize}, reading the states of the
	 * members each batch is about first and storing them after it, as the publisher does;
	 * answers every state published, in order.
	 */
	private List<MemberRoleState> apply(List<MembershipEvent> events, int batchSize) {
		List<MemberRoleState> published = new ArrayList<>();
		for (int first = 0; first < events.size(); first += batchSize) {
			List<MembershipEvent> batchOfEvents = events.subList(first, Math.min(events.size(), first + batchSize));
			Changes batch = new Changes();
			this.states.readBefore(batchOfEvents, batch);
			for (int i = 0; i < batchOfEvents.size(); i++) {
				published.addAll(this.states.apply(batchOfEvents.get(i), first + i + 1, batch));
			}
			this.states.store(batch);
		}
		return published;
	}

	private static List<String> withoutOrganization(List<MemberRoleState> states) {
		return states.stream()
			.map((state) -> state.userId() + " " + state.role() + " " + state.workspaces() + " " + state.projects()
					+ " v" + state.version())
			.toList();
	}

	private List<Map<String, Object>> stored(OrganizationId organization) {
		return this.jdbc
			.sql("SELECT user_id, role, workspaces, projects, version FROM published_member_roles "
					+ "WHERE organization_id = ? ORDER BY user_id")
			.param(organization.value())
			.query((row, number) -> Map.<String, Object>of("user_id", row.getLong(1), "role", row.getString(2),
					"workspaces", row.getString(3), "projects", row.getString(4), "version", row.getLong(5)))
			.list();
	}

}
