package io.membership.example.consumer;

import static io.membership.example.consumer.CloudEventsRecords.consumed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import io.membership.events.MembershipEvent;
import io.membership.events.access.Role;
import io.membership.events.json.MembershipJson;

@DisplayNameGeneration(ReplaceUnderscores.class)
class RoleChangeFollowerTest {

	private static final String ORG = "org_x";

	private final RoleChangeFollower follower = new RoleChangeFollower();

	private long offset;

	@Test
	void every_event_that_changes_a_role_is_understood() {
		List<String> lines = describe(feed(Events.created(ORG), 1), feed(Events.joined(ORG, Role.NOT_ACTIVATED), 2),
				feed(Events.activated(ORG, Role.NOT_ACTIVATED, Role.ANNOTATOR), 3),
				feed(Events.roleChanged(ORG, Role.ANNOTATOR, Role.REVIEWER), 4),
				feed(Events.deactivated(ORG, Role.REVIEWER), 5),
				feed(Events.activated(ORG, Role.DEACTIVATED, Role.ADMINISTRATOR), 6),
				feed(Events.ownershipTransferred(ORG, Role.ADMINISTRATOR), 7));

		assertThat(lines).containsExactly("org_x user 1: -- -> OW (v1, by 1)", "org_x user 42: -- -> NO (v2, by 42)",
				"org_x user 42: NO -> AN (v3, by 1)", "org_x user 42: AN -> RE (v4, by 1)",
				"org_x user 42: RE -> DI (v5, by 1)", "org_x user 42: DI -> AD (v6, by 1)",
				"org_x user 1: OW -> AD (v7, by 1)", "org_x user 42: AD -> OW (v7, by 1)");
	}

	@Test
	void a_role_change_carries_who_when_and_which_event() {
		feed(Events.created(ORG), 1);

		assertThat(feed(Events.roleChanged(ORG, Role.ANNOTATOR, Role.REVIEWER), 2, "evt-2")).singleElement()
			.isEqualTo(
					new Outcome.RoleChange(ORG, 42, Role.ANNOTATOR, Role.REVIEWER, 2, 1, "MemberRoleChanged", "evt-2"));
	}

	@Test
	void a_redelivered_record_is_dropped_by_its_event_id() {
		feed(Events.created(ORG), 1, "evt-1");
		feed(Events.joined(ORG, Role.ANNOTATOR), 2, "evt-2");

		List<Outcome> again = feed(Events.joined(ORG, Role.ANNOTATOR), 2, "evt-2");

		assertThat(again).singleElement()
			.isEqualTo(new Outcome.Dropped(ORG, 2, "evt-2", "ce_id already seen"))
			.extracting(Outcome::describe)
			.isEqualTo("org_x v2: dropped evt-2, ce_id already seen");
		assertThat(this.follower.lastVersion(ORG)).hasValue(2);
	}

	@Test
	void a_duplicate_by_id_is_dropped_even_when_it_is_the_first_record_after_a_restart_from_saved_versions() {
		RoleChangeFollower restarted = new RoleChangeFollower(Map.of(ORG, 4L), 10);

		assertThat(restarted.accept(consumed(Events.roleChanged(ORG, Role.ANNOTATOR, Role.REVIEWER), 4, "evt-4", 0)))
			.singleElement()
			.isInstanceOf(Outcome.Dropped.class);
		assertThat(restarted.accept(consumed(Events.deactivated(ORG, Role.REVIEWER), 5, "evt-5", 1)))
			.extracting(Outcome::describe)
			.containsExactly("org_x user 42: RE -> DI (v5, by 1)");
	}

	@Test
	void a_record_older_than_the_last_version_processed_is_dropped_even_with_a_new_event_id() {
		feed(Events.created(ORG), 1);
		feed(Events.joined(ORG, Role.ANNOTATOR), 2);
		feed(Events.roleChanged(ORG, Role.ANNOTATOR, Role.REVIEWER), 3);

		List<Outcome> older = feed(Events.joined(ORG, Role.ANNOTATOR), 2, "evt-other");

		assertThat(older).singleElement()
			.isEqualTo(new Outcome.Dropped(ORG, 2, "evt-other", "ce_orgversion not above v3 already processed"));
		assertThat(this.follower.lastVersion(ORG)).hasValue(3);
	}

	@Test
	void a_removed_member_is_followed_to_no_role_and_back_when_they_join_again() {
		feed(Events.created(ORG), 1);
		feed(Events.joined(ORG, Role.ANNOTATOR), 2);

		List<Outcome> removed = feed(Events.removed(ORG, Role.ANNOTATOR), 3);
		List<Outcome> back = feed(Events.joined(ORG, Role.NOT_ACTIVATED), 4);

		assertThat(removed).containsExactly(
				new Outcome.RoleChange(ORG, 42, Role.ANNOTATOR, null, 3, 1, "MemberRemoved", "evt-" + ORG + "-3"));
		assertThat(removed.get(0).describe()).isEqualTo("org_x user 42: AN -> -- (v3, by 1)");
		assertThat(back).singleElement().extracting((outcome) -> ((Outcome.RoleChange) outcome).from()).isNull();
	}

	@Test
	void a_gap_is_reported_and_the_record_after_it_still_processed() {
		feed(Events.created(ORG), 1);
		feed(Events.joined(ORG, Role.ANNOTATOR), 2);

		List<Outcome> outcomes = feed(Events.deactivated(ORG, Role.REVIEWER), 5);

		assertThat(outcomes).containsExactly(new Outcome.Gap(ORG, 3, 4), new Outcome.RoleChange(ORG, 42, Role.REVIEWER,
				Role.DEACTIVATED, 5, 1, "MemberDeactivated", "evt-" + ORG + "-5"));
		assertThat(outcomes.get(0).describe()).isEqualTo("org_x: GAP, v3..v4 never received");
		assertThat(this.follower.lastVersion(ORG)).hasValue(5);
	}

	@Test
	void a_gap_of_one_version_names_it_and_a_late_arrival_of_it_is_then_dropped() {
		feed(Events.created(ORG), 1);

		assertThat(describe(feed(Events.workspaceCreated(ORG), 3))).containsExactly("org_x: GAP, v2 never received");
		assertThat(feed(Events.joined(ORG, Role.ANNOTATOR), 2)).singleElement().isInstanceOf(Outcome.Dropped.class);
	}

	@Test
	void an_organization_first_seen_above_version_1_is_a_gap_from_its_start() {
		assertThat(describe(feed(Events.roleChanged(ORG, Role.ANNOTATOR, Role.REVIEWER), 3)))
			.containsExactly("org_x: GAP, v1..v2 never received", "org_x user 42: AN -> RE (v3, by 1)");
	}

	@Test
	void versions_are_counted_per_organization() {
		feed(Events.created("org_a"), 1);
		feed(Events.created("org_b"), 1);
		feed(Events.joined("org_a", Role.ANNOTATOR), 2);

		assertThat(describe(feed(Events.joined("org_b", Role.REVIEWER), 2)))
			.containsExactly("org_b user 42: -- -> RE (v2, by 42)");
		assertThat(this.follower.lastVersions()).isEqualTo(Map.of("org_a", 2L, "org_b", 2L));
	}

	@Test
	void events_that_change_no_role_give_nothing_but_count_their_version() {
		feed(Events.created(ORG), 1);

		assertThat(feed(Events.workspaceCreated(ORG), 2)).isEmpty();
		assertThat(feed(Events.invitationRevoked(ORG), 3)).isEmpty();
		assertThat(describe(feed(Events.joined(ORG, Role.MANAGER), 4)))
			.containsExactly("org_x user 42: -- -> MA (v4, by 42)");
	}

	@Test
	void a_project_role_is_no_change_of_the_members_role_in_the_organization() {
		feed(Events.created(ORG), 1);
		feed(Events.joined(ORG, Role.ANNOTATOR), 2);

		assertThat(feed(Events.addedToProject(ORG, Role.REVIEWER), 3)).isEmpty();
		assertThat(this.follower.lastVersion(ORG)).hasValue(3);
	}

	@Test
	void an_event_type_this_subscriber_does_not_know_is_skipped_but_counted() {
		feed(Events.created(ORG), 1);
		Headers headers = CloudEventsRecords.headers(Events.created(ORG), 2, "evt-new");
		headers.remove("ce_type");
		headers.add("ce_type", "membership.MemberNicknamed.v1".getBytes(StandardCharsets.UTF_8));

		assertThat(this.follower
			.accept(consumed(ORG, "{\"nickname\":\"Anna\"}".getBytes(StandardCharsets.UTF_8), headers, this.offset++)))
			.isEmpty();
		assertThat(describe(feed(Events.joined(ORG, Role.ANNOTATOR), 3)))
			.containsExactly("org_x user 42: -- -> AN (v3, by 42)");
	}

	@Test
	void a_body_with_properties_added_later_is_still_understood() throws Exception {
		MembershipEvent event = Events.roleChanged(ORG, Role.ANNOTATOR, Role.REVIEWER);
		String body = MembershipJson.mapper().writeValueAsString(event).replaceFirst("\\{", "{\"added_later\":true,");

		List<Outcome> outcomes = this.follower.accept(
				consumed(ORG, body.getBytes(StandardCharsets.UTF_8), CloudEventsRecords.headers(event, 1, "evt-1"), 0));

		assertThat(describe(outcomes)).containsExactly("org_x user 42: AN -> RE (v1, by 1)");
	}

	@Test
	void a_record_without_the_version_header_is_reported_as_unreadable_and_changes_nothing() {
		feed(Events.created(ORG), 1);
		MembershipEvent event = Events.joined(ORG, Role.ANNOTATOR);
		Headers headers = CloudEventsRecords.headers(event, 2, "evt-2");
		headers.remove("ce_orgversion");

		List<Outcome> outcomes = this.follower
			.accept(consumed(ORG, MembershipJson.mapper().writeValueAsBytes(event), headers, 7));

		assertThat(outcomes).singleElement().isInstanceOf(Outcome.Unreadable.class);
		assertThat(outcomes.get(0).describe()).startsWith("membership.events.v1-0@7: unreadable");
		assertThat(this.follower.lastVersion(ORG)).hasValue(1);
	}

	@Test
	void a_body_that_breaks_the_contract_is_reported_as_unreadable_but_its_version_counted() {
		feed(Events.created(ORG), 1);
		MembershipEvent event = Events.roleChanged(ORG, Role.ANNOTATOR, Role.REVIEWER);
		String body = MembershipJson.mapper()
			.writeValueAsString(event)
			.replace("\"to_role\":\"RE\"", "\"to_role\":\"XX\"");

		List<Outcome> outcomes = this.follower.accept(
				consumed(ORG, body.getBytes(StandardCharsets.UTF_8), CloudEventsRecords.headers(event, 2, "evt-2"), 3));

		assertThat(outcomes).singleElement()
			.isInstanceOfSatisfying(Outcome.Unreadable.class,
					(unreadable) -> assertThat(unreadable.reason()).contains("membership.MemberRoleChanged.v1"));
		assertThat(this.follower.lastVersion(ORG)).hasValue(2);
	}

	@Test
	void the_organization_is_read_from_the_source_header_when_the_key_is_missing() {
		MembershipEvent event = Events.created(ORG);

		List<Outcome> outcomes = this.follower.accept(consumed(null, MembershipJson.mapper().writeValueAsBytes(event),
				CloudEventsRecords.headers(event, 1, "e"), 0));

		assertThat(describe(outcomes)).containsExactly("org_x user 1: -- -> OW (v1, by 1)");
	}

	@Test
	void only_the_latest_event_ids_are_remembered_and_the_version_check_covers_older_ones() {
		RoleChangeFollower forgetful = new RoleChangeFollower(Map.of(), 1);
		forgetful.accept(consumed(Events.created(ORG), 1, "evt-1", 0));
		forgetful.accept(consumed(Events.joined(ORG, Role.ANNOTATOR), 2, "evt-2", 1));

		assertThat(forgetful.accept(consumed(Events.created(ORG), 1, "evt-1", 2))).singleElement()
			.isEqualTo(new Outcome.Dropped(ORG, 1, "evt-1", "ce_orgversion not above v2 already processed"));
	}

	private List<Outcome> feed(MembershipEvent event, long version) {
		return feed(event, version, "evt-" + event.organizationId() + "-" + version);
	}

	private List<Outcome> feed(MembershipEvent event, long version, String eventId) {
		return this.follower.accept(consumed(event, version, eventId, this.offset++));
	}

	@SafeVarargs
	private static List<String> describe(List<Outcome>... outcomes) {
		List<String> lines = new ArrayList<>();
		for (List<Outcome> each : outcomes) {
			each.forEach((outcome) -> lines.add(outcome.describe()));
		}
		return lines;
	}

}
