package io.membership.infra.queries;

import static io.membership.infra.queries.Reads.encoded;
import static io.membership.infra.queries.Reads.ok;
import static io.membership.infra.queries.Reads.read;
import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * {@code GET /api/organizations/{org}/memberships/{user_id}?as_of=}: one member now, or
 * as they stood at an instant with the organization's version at that instant.
 */
@PostgresServiceTest
class MemberAsOfQueryTest {

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private Member admin;

	private Member anna;

	private String workspace;

	private long joinedVersion;

	private long assignedVersion;

	private long changedVersion;

	@BeforeEach
	void anAnnotatorAssignedToAWorkspaceWhoBecomesAReviewer() {
		this.organization = TestOrganization.create(this.port);
		this.admin = this.organization.join("AD");
		this.workspace = this.organization.createWorkspace("Medical images");
		this.anna = this.organization.join("AN");
		this.joinedVersion = this.organization.version();
		this.organization.recorded(this.admin.client()
			.post(this.organization.path() + "/workspaces/" + this.workspace + "/memberships",
					"{\"user_id\":" + this.anna.userId() + "}"));
		this.assignedVersion = this.organization.version();
		this.organization.recorded(this.admin.client()
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + "/role",
					"{\"role\":\"RE\",\"reason\":\"passed the review training\"}"));
		this.changedVersion = this.organization.version();
	}

	/** When the event of that version occurred, as the activity log records it. */
	private String occurredAt(long version) {
		JsonNode entries = ok(this.organization, this.organization.owner(), "/activity-log?limit=200").path("entries");
		for (JsonNode entry : entries) {
			if (entry.path("version").asLong() == version) {
				return entry.path("occurred_at").asString();
			}
		}
		throw new AssertionError("No entry of version " + version + " in " + entries);
	}

	private Answer annaAsOf(String instant) {
		return read(this.organization, this.admin.client(),
				"/memberships/" + this.anna.userId() + "?as_of=" + encoded(instant));
	}

	@Test
	void a_member_is_read_as_they_are_now_at_the_latest_version() {
		JsonNode anna = ok(this.organization, this.admin.client(), "/memberships/" + this.anna.userId());

		assertThat(anna.path("user_id").asLong()).isEqualTo(this.anna.userId());
		assertThat(anna.path("email").asString()).isEqualTo(this.anna.email());
		assertThat(anna.path("role").asString()).isEqualTo("RE");
		assertThat(anna.path("workspaces").get(0).asString()).isEqualTo(this.workspace);
		assertThat(anna.path("invited_by").asLong()).isEqualTo(this.organization.ownerId());
		assertThat(anna.path("role_changed_at").asString()).isEqualTo(occurredAt(this.changedVersion));
	}

	@Test
	void as_of_before_the_role_change_shows_the_role_and_the_version_of_that_instant() {
		Answer then = annaAsOf(occurredAt(this.assignedVersion));

		assertThat(then.status()).as(then.toString()).isEqualTo(200);
		assertThat(then.json().path("role").asString()).isEqualTo("AN");
		assertThat(then.json().path("version").asLong()).isEqualTo(this.assignedVersion);
		assertThat(then.header("ETag")).isEqualTo("\"" + this.assignedVersion + "\"");
		assertThat(then.json().path("role_changed_at").isNull()).as(then.toString()).isTrue();
	}

	@Test
	void as_of_the_role_change_shows_the_new_role() {
		Answer then = annaAsOf(occurredAt(this.changedVersion));

		assertThat(then.status()).as(then.toString()).isEqualTo(200);
		assertThat(then.json().path("role").asString()).isEqualTo("RE");
		assertThat(then.json().path("version").asLong()).isEqualTo(this.changedVersion);
		assertThat(then.json().path("role_changed_at").asString()).isEqualTo(occurredAt(this.changedVersion));
	}

	@Test
	void as_of_shows_the_workspaces_as_they_stood_then() {
		Answer joined = annaAsOf(occurredAt(this.joinedVersion));
		Answer assigned = annaAsOf(occurredAt(this.assignedVersion));

		assertThat(joined.json().path("workspaces").isEmpty()).as(joined.toString()).isTrue();
		assertThat(joined.json().path("version").asLong()).isEqualTo(this.joinedVersion);
		assertThat(assigned.json().path("workspaces").get(0).asString()).isEqualTo(this.workspace);
	}

	@Test
	void as_of_a_deactivation_shows_the_member_deactivated_and_afterwards_active_again() {
		this.organization.recorded(this.admin.client()
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + "/deactivate", "{}"));
		long deactivated = this.organization.version();
		this.organization.recorded(this.admin.client()
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + "/activate", "{\"role\":\"AN\"}"));

		assertThat(annaAsOf(occurredAt(deactivated)).json().path("role").asString()).isEqualTo("DI");
		JsonNode now = ok(this.organization, this.admin.client(), "/memberships/" + this.anna.userId());
		assertThat(now.path("role").asString()).isEqualTo("AN");
		assertThat(now.path("activated_at").asString()).isEqualTo(occurredAt(this.organization.version()));
	}

	@Test
	void as_of_before_the_member_joined_is_not_found() {
		assertProblem(annaAsOf(occurredAt(1)), 404, "member_not_found");
	}

	@Test
	void an_as_of_that_is_not_a_time_is_refused() {
		assertProblem(annaAsOf("yesterday"), 400, "invalid_as_of");
	}

	@Test
	void an_unknown_member_is_not_found() {
		assertProblem(read(this.organization, this.admin.client(), "/memberships/" + TestOrganization.newUserId()), 404,
				"member_not_found");
	}

	@Test
	void a_user_id_that_is_not_a_positive_integer_is_refused() {
		assertProblem(read(this.organization, this.admin.client(), "/memberships/0"), 400, "invalid_user_id");
	}

}
