package io.membership.infra.query;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.membership.query.rebuild.Difference;
import io.membership.query.rebuild.ProjectionRebuild;
import io.membership.topics.RecordMac;
import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.kafka.KafkaSettings;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * One event the query side cannot apply sets aside its organization only: that
 * organization's queries and checks fail closed with 503 {@code view_stale} (a right
 * revoked after the bad event is never answered "allowed" from the frozen view), every
 * other organization is served as before, the failure is recorded and counted, and a
 * rebuild repairs it while the service keeps running.
 *
 * <p>
 * The bad event is made by planting, by hand, the member row that a later
 * {@code MemberJoined} inserts: the projection's insert then fails as any unforeseen bug
 * in applying an event would.
 */
@PostgresServiceTest
class OrganizationQuarantineTest {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate database;

	@Autowired
	DataSource dataSource;

	@Autowired
	KafkaBootstrapServers bootstrapServers;

	@Autowired
	RecordMac recordMac;

	@Autowired
	KafkaSettings settings;

	@Autowired
	MeterRegistry meters;

	/**
	 * Whatever happened above, no organization stays set aside for the tests that share
	 * this service: a rebuild puts the tables right.
	 */
	@AfterEach
	void rebuild_if_anything_is_still_set_aside() {
		if (this.database.queryForObject("SELECT COUNT(*) FROM qs_quarantined_organizations", Integer.class) > 0) {
			rebuild();
		}
	}

	@Test
	void an_event_that_cannot_be_applied_sets_aside_its_organization_only_until_a_rebuild_repairs_it() {
		TestOrganization poisoned = TestOrganization.create(this.port);
		Member admin = poisoned.join("AD");
		TestOrganization neighbour = TestOrganization.create(this.port);
		Member neighbourAnnotator = neighbour.join("AN");
		assertThat(check(poisoned, admin.client(), poisoned.version()).json().get("allowed").asBoolean()).isTrue();

		long victim = TestOrganization.newUserId();
		this.database.update("INSERT INTO qs_members (organization_id, user_id, role, joined_at, version) "
				+ "VALUES (?, ?, 'AN', CURRENT_TIMESTAMP, 1)", poisoned.id(), victim);
		String email = "user" + victim + "@members.test";
		String token = poisoned.invite(email, "AN").json().get("token").asString();
		poisoned.recorded(ApiClient.as(this.port, victim)
			.post("/api/invitations/" + token + "/accept", "{\"user_id\":" + victim + ",\"email\":\"" + email + "\"}"));

		Answer stale = awaitAnswer(() -> check(poisoned, admin.client(), 0), (answer) -> answer.status() == 503);
		assertProblem(stale, 503, "view_stale");
		assertThat(stale.header("Retry-After")).isNotBlank();
		assertThat(this.database.queryForList(
				"SELECT event_type FROM qs_quarantined_organizations WHERE organization_id = ?", String.class,
				poisoned.id()))
			.containsExactly("MemberJoined");
		assertThat(this.meters.get("membership.query.organizations.quarantined").gauge().value())
			.isGreaterThanOrEqualTo(1);

		// The Owner revokes the Administrator's rights: accepted, but the view is frozen
		// before it, so neither the Administrator nor the Owner may get an answer from
		// it.
		poisoned.recorded(poisoned.owner()
			.post(poisoned.path() + "/memberships/" + admin.userId() + "/deactivate",
					"{\"reason\":\"left the company\"}"));
		assertProblem(check(poisoned, admin.client(), 0), 503, "view_stale");
		assertProblem(
				poisoned.owner()
					.get(poisoned.path() + "/permissions/check?user_id=" + admin.userId() + "&action=invite_users"),
				503, "view_stale");
		assertProblem(admin.client().get(poisoned.path() + "/memberships"), 503, "view_stale");
		assertProblem(admin.client().get(poisoned.path() + "/activity-log"), 503, "view_stale");
		assertProblem(admin.client().get(poisoned.path() + "/audit/events"), 503, "view_stale");
		assertProblem(ApiClient.as(this.port, TestOrganization.newUserId()).get(poisoned.path() + "/memberships"), 404,
				"organization_not_found");

		// Everyone else carries on: the organization set up before, and one created
		// after.
		neighbour.recorded(neighbour.owner()
			.post(neighbour.path() + "/memberships/" + neighbourAnnotator.userId() + "/role", "{\"role\":\"RE\"}"));
		Answer neighbourCheck = check(neighbour, neighbourAnnotator.client(), neighbour.version());
		assertThat(neighbourCheck.status()).as(neighbourCheck.toString()).isEqualTo(200);
		assertThat(neighbourCheck.json().get("role").asString()).isEqualTo("RE");
		TestOrganization newcomer = TestOrganization.create(this.port);
		Member newcomerAdmin = newcomer.join("AD");
		Answer newcomerCheck = check(newcomer, newcomerAdmin.client(), newcomer.version());
		assertThat(newcomerCheck.status()).as(newcomerCheck.toString()).isEqualTo(200);
		assertThat(newcomerCheck.json().get("allowed").asBoolean()).isTrue();

		ProjectionRebuild.Report rebuilt = rebuild();
		assertThat(rebuilt.replaced()).isTrue();
		assertThat(rebuilt.differences()).extracting(Difference::table)
			.contains("qs_quarantined_organizations", "qs_members");

		Answer repaired = awaitAnswer(() -> check(poisoned, admin.client(), 0), (answer) -> answer.status() != 503);
		assertProblem(repaired, 403, "action_not_permitted");
		Answer ownersView = poisoned.owner()
			.get(poisoned.path() + "/permissions/check?user_id=" + admin.userId() + "&action=invite_users&min_version="
					+ poisoned.version());
		assertThat(ownersView.status()).as(ownersView.toString()).isEqualTo(200);
		assertThat(ownersView.json().get("allowed").asBoolean()).isFalse();
		assertThat(ownersView.json().get("role").asString()).isEqualTo("DI");
		Answer joined = poisoned.owner().get(poisoned.path() + "/memberships/" + victim);
		assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
		assertThat(joined.json().get("email").asString()).isEqualTo(email);
		assertThat(this.database.queryForObject("SELECT COUNT(*) FROM qs_quarantined_organizations", Integer.class))
			.isZero();
	}

	private ProjectionRebuild.Report rebuild() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ProjectionRebuild.Report report = new ProjectionRebuild(this.dataSource,
				this.settings.clientConfiguration(this.bootstrapServers), "query-side", this.recordMac)
			.rebuild(new PrintStream(out, true, StandardCharsets.UTF_8));
		assertThat(report.replaced()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
		return report;
	}

	private Answer check(TestOrganization organization, ApiClient caller, long minVersion) {
		String wait = (minVersion > 0) ? "&min_version=" + minVersion : "";
		return caller.get(organization.path() + "/permissions/check?action=invite_users" + wait);
	}

	private static Answer awaitAnswer(Supplier<Answer> ask, Predicate<Answer> wanted) {
		Instant deadline = Instant.now().plus(PATIENCE);
		Answer answer = ask.get();
		while (!wanted.test(answer) && Instant.now().isBefore(deadline)) {
			ProjectionRebuildTest.sleep(200);
			answer = ask.get();
		}
		assertThat(wanted.test(answer)).as("within %s: %s", PATIENCE, answer).isTrue();
		return answer;
	}

}
