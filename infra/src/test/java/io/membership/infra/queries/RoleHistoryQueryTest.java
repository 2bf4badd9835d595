package io.membership.infra.queries;

import static io.membership.infra.queries.Reads.field;
import static io.membership.infra.queries.Reads.longs;
import static io.membership.infra.queries.Reads.ok;
import static io.membership.infra.queries.Reads.read;
import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * {@code GET /api/organizations/{org}/memberships/{user_id}/role-history}: every change
 * of a member's role or status since joining, oldest first, each with who decided it,
 * why, and the correlation id of the request that did.
 */
@PostgresServiceTest
class RoleHistoryQueryTest {

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private Member admin;

	private Member anna;

	@BeforeEach
	void aMemberWhoseRoleChangesFourTimes() {
		this.organization = TestOrganization.create(this.port);
		this.admin = this.organization.join("AD");
		this.anna = this.organization.join(null);
		command(this.admin.client(), "activation-1", "/activate", "{\"role\":\"AN\",\"reason\":\"trained\"}");
		command(this.organization.owner(), "promotion-7", "/role",
				"{\"role\":\"RE\",\"reason\":\"passed the review training\"}");
		command(this.admin.client(), "offboarding-3", "/deactivate", "{\"reason\":\"left the project\"}");
		command(this.admin.client(), "return-4", "/activate", "{\"role\":\"AN\"}");
	}

	/** A command on Anna's membership with a correlation id of its own. */
	private void command(ApiClient client, String correlationId, String action, String body) {
		this.organization.recorded(client.withHeader("X-Correlation-Id", correlationId)
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + action, body));
	}

	private JsonNode history(ApiClient client, long userId) {
		JsonNode answer = ok(this.organization, client, "/memberships/" + userId + "/role-history");
		assertThat(answer.path("user_id").asLong()).isEqualTo(userId);
		return answer.path("history");
	}

	@Test
	void the_history_lists_every_change_of_role_oldest_first() {
		JsonNode history = history(this.admin.client(), this.anna.userId());

		assertThat(field(history, "to_role")).containsExactly("NO", "AN", "RE", "DI", "AN");
		assertThat(history.get(0).path("from_role").isNull()).as("joining").isTrue();
		assertThat(field(history, "from_role").subList(1, 5)).containsExactly("NO", "AN", "RE", "DI");
		assertThat(longs(history, "version")).isSorted().doesNotHaveDuplicates();
		assertThat(history.get(4).path("version").asLong()).isEqualTo(this.organization.version());
	}

	@Test
	void each_change_carries_the_reason_given() {
		JsonNode history = history(this.admin.client(), this.anna.userId());

		assertThat(history.get(1).path("reason").asString()).isEqualTo("trained");
		assertThat(history.get(2).path("reason").asString()).isEqualTo("passed the review training");
		assertThat(history.get(3).path("reason").asString()).isEqualTo("left the project");
		assertThat(history.get(4).path("reason").isNull()).as("no reason given").isTrue();
	}

	@Test
	void each_change_carries_the_correlation_id_of_the_request_that_made_it() {
		JsonNode history = history(this.admin.client(), this.anna.userId());

		assertThat(field(history, "correlation_id").subList(1, 5)).containsExactly("activation-1", "promotion-7",
				"offboarding-3", "return-4");
	}

	@Test
	void each_change_names_its_actor() {
		JsonNode history = history(this.admin.client(), this.anna.userId());

		assertThat(longs(history, "actor_user_id")).containsExactly(this.anna.userId(), this.admin.userId(),
				this.organization.ownerId(), this.admin.userId(), this.admin.userId());
	}

	@Test
	void each_change_names_the_event_and_time_the_activity_log_has_for_its_version() {
		JsonNode history = history(this.admin.client(), this.anna.userId());
		Map<Long, JsonNode> log = new HashMap<>();
		ok(this.organization, this.admin.client(), "/activity-log?limit=200").path("entries")
			.forEach((entry) -> log.put(entry.path("version").asLong(), entry));

		for (JsonNode change : history) {
			JsonNode entry = log.get(change.path("version").asLong());
			assertThat(change.path("event_id").asString()).isEqualTo(entry.path("event_id").asString());
			assertThat(change.path("occurred_at").asString()).isEqualTo(entry.path("occurred_at").asString());
		}
	}

	@Test
	void a_workspace_assignment_is_not_a_change_of_role() {
		String workspace = this.organization.createWorkspace("Audio");
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/workspaces/" + workspace + "/memberships",
					"{\"user_id\":" + this.anna.userId() + "}"));

		assertThat(history(this.admin.client(), this.anna.userId())).hasSize(5);
	}

	@Test
	void a_transfer_of_ownership_shows_in_both_histories() {
		this.organization.recorded(this.organization.owner()
			.withHeader("X-Correlation-Id", "handover-9")
			.post(this.organization.path() + "/ownership", "{\"user_id\":" + this.admin.userId() + "}"));

		JsonNode formerOwner = history(this.admin.client(), this.organization.ownerId());
		JsonNode newOwner = history(this.admin.client(), this.admin.userId());

		assertThat(field(formerOwner, "to_role")).containsExactly("OW", "AD");
		assertThat(field(newOwner, "to_role")).containsExactly("AD", "OW");
		assertThat(formerOwner.get(1).path("correlation_id").asString()).isEqualTo("handover-9");
		assertThat(newOwner.get(1).path("version").asLong()).isEqualTo(this.organization.version());
	}

	@Test
	void the_member_reads_their_own_history() {
		assertThat(history(this.anna.client(), this.anna.userId())).hasSize(5);
	}

	@Test
	void the_history_of_someone_who_is_not_a_member_is_not_found() {
		assertProblem(read(this.organization, this.admin.client(),
				"/memberships/" + TestOrganization.newUserId() + "/role-history"), 404, "member_not_found");
	}

}
