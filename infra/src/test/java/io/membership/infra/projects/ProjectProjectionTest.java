package io.membership.infra.projects;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.topics.MembershipTopics;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import io.membership.infra.support.TopicReader;

/**
 * What the query side and the roles topic make of project events: the projects and their
 * members, role history entries naming the project, activity log entries, and the roles
 * topic's {@code projects}.
 */
@PostgresServiceTest
class ProjectProjectionTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	DataSource dataSource;

	@Autowired
	EmbeddedKafkaBroker broker;

	private TestOrganization organization;

	private Member anna;

	private String workspace;

	@BeforeEach
	void annaInProject17WithAReviewerRole() {
		this.organization = TestOrganization.create(this.port);
		this.anna = this.organization.join("AN");
		this.workspace = this.organization.createWorkspace("Images");
		this.organization.recorded(this.organization.owner()
			.send("PUT", project("17"), "{\"workspace_id\":\"" + this.workspace + "\",\"title\":\"Cats\"}"));
		this.organization.recorded(this.organization.owner()
			.post(project("17") + "/members",
					"{\"user_id\":" + this.anna.userId() + ",\"role\":\"RE\",\"reason\":\"trained reviewer\"}"));
	}

	private String project(String id) {
		return this.organization.path() + "/projects/" + id;
	}

	private JsonNode read(String pathAndQuery) {
		String separator = pathAndQuery.contains("?") ? "&" : "?";
		Answer answer = this.organization.owner()
			.get(this.organization.path() + pathAndQuery + separator + "min_version=" + this.organization.version());
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		return answer.json();
	}

	private JdbcClient jdbc() {
		return JdbcClient.create(this.dataSource);
	}

	@Test
	void the_role_history_shows_each_project_role_change_with_its_project_actor_and_reason() {
		this.organization.recorded(this.organization.owner()
			.patch(project("17") + "/members/" + this.anna.userId(),
					"{\"role\":null,\"reason\":\"back to labeling\"}"));
		this.organization.recorded(this.organization.owner().delete(project("17") + "/members/" + this.anna.userId()));

		JsonNode history = read("/memberships/" + this.anna.userId() + "/role-history").path("history");

		assertThat(history).hasSize(4);
		assertThat(history.get(0).path("project_id").isNull()).as(history.toString()).isTrue();
		assertThat(history.get(0).path("type").asString()).isEqualTo("MemberJoined");
		JsonNode added = history.get(1);
		assertThat(added.path("project_id").asString()).isEqualTo("17");
		assertThat(added.path("type").asString()).isEqualTo("MemberAddedToProject");
		assertThat(added.path("from_role").isNull()).isTrue();
		assertThat(added.path("to_role").asString()).isEqualTo("RE");
		assertThat(added.path("reason").asString()).isEqualTo("trained reviewer");
		assertThat(added.path("actor_user_id").asLong()).isEqualTo(this.organization.ownerId());
		JsonNode inherit = history.get(2);
		assertThat(inherit.path("type").asString()).isEqualTo("ProjectRoleChanged");
		assertThat(inherit.path("from_role").asString()).isEqualTo("RE");
		assertThat(inherit.path("to_role").isNull()).isTrue();
		assertThat(inherit.path("reason").asString()).isEqualTo("back to labeling");
		assertThat(history.get(3).path("type").asString()).isEqualTo("MemberRemovedFromProject");
	}

	@Test
	void a_project_role_change_does_not_count_as_a_change_of_the_organization_role() {
		JsonNode member = read("/memberships/" + this.anna.userId());

		assertThat(member.path("role").asString()).isEqualTo("AN");
		assertThat(member.path("role_changed_at").isNull()).as(member.toString()).isTrue();
	}

	@Test
	void the_activity_log_lists_project_events_with_their_project() {
		JsonNode entries = read("/activity-log?limit=2").path("entries");

		assertThat(entries.get(0).path("type").asString()).isEqualTo("MemberAddedToProject");
		assertThat(entries.get(0).path("project_id").asString()).isEqualTo("17");
		assertThat(entries.get(0).path("summary").asString()).contains("project 17", "RE");
		assertThat(entries.get(1).path("type").asString()).isEqualTo("ProjectRegistered");
		assertThat(entries.get(1).path("workspace_id").asString()).isEqualTo(this.workspace);
	}

	@Test
	void the_projection_holds_the_project_and_its_members() {
		read("/memberships/" + this.anna.userId());

		Map<String, Object> project = jdbc()
			.sql("SELECT workspace_id, title, annotators_view_own_data, removed_at FROM qs_projects "
					+ "WHERE organization_id = ? AND project_id = '17'")
			.param(this.organization.id())
			.query()
			.singleRow();
		String role = jdbc()
			.sql("SELECT project_role FROM qs_project_members WHERE organization_id = ? AND project_id = '17' "
					+ "AND user_id = ?")
			.params(this.organization.id(), this.anna.userId())
			.query(String.class)
			.single();

		assertThat(project).containsEntry("workspace_id", this.workspace)
			.containsEntry("title", "Cats")
			.containsEntry("annotators_view_own_data", false)
			.containsEntry("removed_at", null);
		assertThat(role).isEqualTo("RE");
	}

	@Test
	void a_removed_projects_memberships_are_gone_and_the_project_is_marked_removed() {
		this.organization.recorded(this.organization.owner().delete(project("17")));
		read("/memberships/" + this.anna.userId());

		assertThat(jdbc().sql("SELECT COUNT(*) FROM qs_project_members WHERE organization_id = ?")
			.param(this.organization.id())
			.query(Integer.class)
			.single()).isZero();
		assertThat(jdbc().sql("SELECT removed_at FROM qs_projects WHERE organization_id = ?")
			.param(this.organization.id())
			.query()
			.singleValue()).isNotNull();
	}

	@Test
	void the_roles_topic_carries_the_members_projects_with_their_project_roles() {
		String key = this.organization.id() + ":" + this.anna.userId();
		long version = this.organization.version();

		List<ConsumerRecord<String, byte[]>> records = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.ROLES, key,
				(seen) -> !seen.isEmpty()
						&& JSON.readTree(seen.get(seen.size() - 1).value()).path("version").asLong() == version,
				Duration.ofSeconds(60));

		JsonNode latest = JSON.readTree(records.get(records.size() - 1).value());
		assertThat(latest.path("role").asString()).isEqualTo("AN");
		assertThat(latest.path("projects").path("17").asString()).isEqualTo("RE");
	}

	@Test
	void removing_the_project_takes_it_from_the_roles_topic() {
		this.organization.recorded(this.organization.owner().delete(project("17")));
		String key = this.organization.id() + ":" + this.anna.userId();
		long version = this.organization.version();

		List<ConsumerRecord<String, byte[]>> records = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.ROLES, key,
				(seen) -> !seen.isEmpty()
						&& JSON.readTree(seen.get(seen.size() - 1).value()).path("version").asLong() == version,
				Duration.ofSeconds(60));

		JsonNode latest = JSON.readTree(records.get(records.size() - 1).value());
		assertThat(latest.path("projects").isObject()).as(latest.toString()).isTrue();
		assertThat(latest.path("projects").size()).isZero();
	}

}
