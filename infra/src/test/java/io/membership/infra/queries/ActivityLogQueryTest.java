package io.membership.infra.queries;

import static io.membership.infra.queries.Reads.encoded;
import static io.membership.infra.queries.Reads.field;
import static io.membership.infra.queries.Reads.longs;
import static io.membership.infra.queries.Reads.ok;
import static io.membership.infra.queries.Reads.read;
import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * {@code GET /api/organizations/{org}/activity-log}: one entry per event, newest first,
 * paged by an opaque cursor, with filters that combine.
 */
@PostgresServiceTest
class ActivityLogQueryTest {

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private Member admin;

	private Member anna;

	private String workspace;

	/**
	 * Version 1 OrganizationCreated, 2-3 the Administrator invited and joined, 4-5 Anna
	 * invited and joined, 6 WorkspaceCreated, 7 the Administrator assigns Anna, 8 the
	 * Administrator makes her a Reviewer.
	 */
	@BeforeEach
	void eightEvents() {
		this.organization = TestOrganization.create(this.port);
		this.admin = this.organization.join("AD");
		this.anna = this.organization.join("AN");
		this.workspace = this.organization.createWorkspace("Medical images");
		this.organization.recorded(this.admin.client()
			.post(this.organization.path() + "/workspaces/" + this.workspace + "/memberships",
					"{\"user_id\":" + this.anna.userId() + "}"));
		this.organization.recorded(this.admin.client()
			.withHeader("X-Correlation-Id", "promotion-1")
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + "/role",
					"{\"role\":\"RE\",\"reason\":\"passed the review training\"}"));
		assertThat(this.organization.version()).isEqualTo(8);
	}

	private JsonNode log(String query) {
		return ok(this.organization, this.admin.client(), "/activity-log" + query);
	}

	@Test
	void the_log_has_one_entry_per_event_newest_first() {
		JsonNode log = log("");

		assertThat(longs(log.path("entries"), "version")).containsExactly(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
		assertThat(field(log.path("entries"), "type")).containsExactly("MemberRoleChanged", "MemberAssignedToWorkspace",
				"WorkspaceCreated", "MemberJoined", "UserInvited", "MemberJoined", "UserInvited",
				"OrganizationCreated");
		assertThat(log.path("next_cursor").isNull()).as(log.toString()).isTrue();
	}

	@Test
	void an_entry_says_who_did_what_to_whom_and_carries_the_event_body_as_details() {
		JsonNode change = log("").path("entries").get(0);

		assertThat(change.path("event_id").asString()).isNotBlank();
		assertThat(change.path("occurred_at").asString()).endsWith("Z");
		assertThat(change.path("actor_user_id").asLong()).isEqualTo(this.admin.userId());
		assertThat(change.path("subject_user_id").asLong()).isEqualTo(this.anna.userId());
		assertThat(change.path("summary").asString()).contains("AN").contains("RE");
		JsonNode details = change.path("details");
		assertThat(details.isObject()).as(change.toString()).isTrue();
		assertThat(details.path("user_id").asLong()).isEqualTo(this.anna.userId());
		assertThat(details.path("from_role").asString()).isEqualTo("AN");
		assertThat(details.path("to_role").asString()).isEqualTo("RE");
		assertThat(details.path("reason").asString()).isEqualTo("passed the review training");
		assertThat(details.path("correlation_id").asString()).isEqualTo("promotion-1");
	}

	@Test
	void an_entry_about_a_workspace_names_it_and_one_about_nobody_has_no_subject() {
		JsonNode created = log("").path("entries").get(2);

		assertThat(created.path("type").asString()).isEqualTo("WorkspaceCreated");
		assertThat(created.path("workspace_id").asString()).isEqualTo(this.workspace);
		assertThat(created.has("subject_user_id")).as(created.toString()).isFalse();
		assertThat(log("").path("entries").get(1).path("workspace_id").asString()).isEqualTo(this.workspace);
	}

	@Test
	void a_cursor_walks_the_log_page_by_page_without_gaps_or_repeats() {
		List<Long> seen = new ArrayList<>();
		List<Integer> sizes = new ArrayList<>();
		JsonNode page = log("?limit=3");
		while (true) {
			seen.addAll(longs(page.path("entries"), "version"));
			sizes.add(page.path("entries").size());
			if (page.path("next_cursor").isNull()) {
				break;
			}
			page = log("?limit=3&cursor=" + encoded(page.path("next_cursor").asString()));
		}

		assertThat(seen).containsExactly(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
		assertThat(sizes).containsExactly(3, 3, 2);
	}

	@Test
	void events_recorded_between_pages_do_not_shift_the_next_page() {
		JsonNode first = log("?limit=3");
		this.organization.createWorkspace("Audio");

		JsonNode second = log("?limit=3&cursor=" + encoded(first.path("next_cursor").asString()));

		assertThat(longs(second.path("entries"), "version")).containsExactly(5L, 4L, 3L);
		assertThat(second.path("version").asLong()).isEqualTo(9);
	}

	@Test
	void a_page_that_ends_exactly_at_the_first_event_has_no_next_cursor() {
		JsonNode page = log("?limit=8");

		assertThat(page.path("entries").size()).isEqualTo(8);
		assertThat(page.path("next_cursor").isNull()).as(page.toString()).isTrue();
	}

	@Test
	void the_actor_filter_keeps_what_that_user_did() {
		JsonNode log = log("?actor=" + this.admin.userId());

		assertThat(longs(log.path("entries"), "version")).containsExactly(8L, 7L, 3L);
	}

	@Test
	void the_subject_filter_keeps_what_happened_to_that_member() {
		JsonNode log = log("?subject=" + this.anna.userId());

		assertThat(longs(log.path("entries"), "version")).containsExactly(8L, 7L, 5L);
	}

	@Test
	void the_type_filter_takes_a_comma_separated_list_of_event_types() {
		JsonNode log = log("?type=MemberJoined,membership.WorkspaceCreated.v1");

		assertThat(longs(log.path("entries"), "version")).containsExactly(6L, 5L, 3L);
	}

	@Test
	void since_and_until_keep_the_entries_between_them_both_included() {
		JsonNode entries = log("").path("entries");
		String since = entries.get(5).path("occurred_at").asString();
		String until = entries.get(2).path("occurred_at").asString();

		JsonNode log = log("?since=" + encoded(since) + "&until=" + encoded(until));

		assertThat(longs(log.path("entries"), "version")).containsExactly(6L, 5L, 4L, 3L);
	}

	@Test
	void filters_combine_with_each_other_and_with_the_cursor() {
		JsonNode first = log("?subject=" + this.anna.userId() + "&type=MemberJoined,MemberRoleChanged&limit=1");
		JsonNode second = log("?subject=" + this.anna.userId() + "&type=MemberJoined,MemberRoleChanged&limit=1&cursor="
				+ encoded(first.path("next_cursor").asString()));

		assertThat(longs(first.path("entries"), "version")).containsExactly(8L);
		assertThat(longs(second.path("entries"), "version")).containsExactly(5L);
		assertThat(second.path("next_cursor").isNull()).as(second.toString()).isTrue();
	}

	@Test
	void an_unknown_event_type_is_refused() {
		assertProblem(read(this.organization, this.admin.client(), "/activity-log?type=MemberPromoted"), 400,
				"unknown_type");
	}

	@Test
	void a_cursor_this_service_did_not_answer_is_refused() {
		assertProblem(read(this.organization, this.admin.client(), "/activity-log?cursor=not-a-cursor"), 400,
				"invalid_cursor");
	}

	@Test
	void a_limit_above_200_is_refused() {
		assertProblem(read(this.organization, this.admin.client(), "/activity-log?limit=201"), 400, "invalid_limit");
	}

	@Test
	void a_limit_of_zero_is_refused() {
		assertProblem(read(this.organization, this.admin.client(), "/activity-log?limit=0"), 400, "invalid_limit");
	}

	@Test
	void an_actor_that_is_not_a_user_id_is_refused() {
		assertProblem(read(this.organization, this.admin.client(), "/activity-log?actor=admin"), 400, "invalid_actor");
	}

	@Test
	void since_after_until_is_refused() {
		assertProblem(
				read(this.organization, this.admin.client(),
						"/activity-log?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z"),
				400, "invalid_time_range");
	}

	@Test
	void a_since_that_is_not_a_time_is_refused() {
		assertProblem(read(this.organization, this.admin.client(), "/activity-log?since=today"), 400, "invalid_since");
	}

}
