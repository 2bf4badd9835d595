package io.membership.infra.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.membership.events.access.Role;
import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.kafka.KafkaSettings;
import io.membership.infra.support.ForgedRecords;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestDatabase;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import io.membership.infra.support.TestRecordKey;
import io.membership.query.rebuild.Difference;
import io.membership.query.rebuild.ProjectionRebuild;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * Rebuilding the projections from the start of the events topic gives exactly the live
 * views; a live row changed by hand is reported, and a rebuild puts it right while the
 * service (and its consumer) keep running.
 */
@PostgresServiceTest
class ProjectionRebuildTest {

	@LocalServerPort
	int port;

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcTemplate database;

	@Autowired
	KafkaBootstrapServers bootstrapServers;

	@Autowired
	KafkaSettings settings;

	@Autowired
	RecordMac recordMac;

	@TempDir
	Path dataDirectory;

	ProjectionRebuild rebuild() {
		return new ProjectionRebuild(this.dataSource, this.settings.clientConfiguration(this.bootstrapServers),
				"query-side", this.recordMac);
	}

	/**
	 * An organization with members, role changes, a workspace and an assignment, once the
	 * query side has caught up with it.
	 */
	History history() {
		TestOrganization org = TestOrganization.create(this.port);
		Member admin = org.join("AD");
		Member anna = org.join(null);
		org.recorded(admin.client()
			.patch(org.path() + "/memberships", "{\"user_id\":" + anna.userId() + ",\"role\":\"AN\"}"));
		org.recorded(admin.client()
			.post(org.path() + "/memberships/" + anna.userId() + "/role", "{\"role\":\"RE\",\"reason\":\"trained\"}"));
		String workspace = org.createWorkspace("Medical images");
		org.recorded(org.owner()
			.post(org.path() + "/workspaces/" + workspace + "/memberships", "{\"user_id\":" + anna.userId() + "}"));
		org.invite("later@members.test", "MA");
		awaitProjected(org);
		return new History(org, admin, anna, workspace);
	}

	record History(TestOrganization org, Member admin, Member anna, String workspace) {
	}

	void awaitProjected(TestOrganization org) {
		Instant deadline = Instant.now().plusSeconds(30);
		while (Instant.now().isBefore(deadline)) {
			List<Long> version = this.database
				.queryForList("SELECT version FROM qs_organizations WHERE organization_id = ?", Long.class, org.id());
			if (!version.isEmpty() && version.get(0) == org.version()) {
				return;
			}
			sleep(100);
		}
		throw new AssertionError("The query side did not reach version " + org.version() + " of " + org.id());
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	record Run(ProjectionRebuild.Report report, String out) {
	}

	Run verify() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ProjectionRebuild.Report report = rebuild().verify(new PrintStream(out, true, StandardCharsets.UTF_8));
		return new Run(report, out.toString(StandardCharsets.UTF_8));
	}

	Run rebuildAll() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ProjectionRebuild.Report report = rebuild().rebuild(new PrintStream(out, true, StandardCharsets.UTF_8));
		return new Run(report, out.toString(StandardCharsets.UTF_8));
	}

	Map<Integer, Long> endOffsets() {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers.value());
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(MembershipTopics.EVENTS)
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			Map<Integer, Long> end = new TreeMap<>();
			consumer.endOffsets(partitions, Duration.ofSeconds(30))
				.forEach((partition, offset) -> end.put(partition.partition(), offset));
			return end;
		}
	}

	@Test
	void after_a_driven_history_a_replay_from_the_start_is_identical_to_the_live_projections() {
		History history = history();

		Run run = verify();

		assertThat(run.report().identical()).as(run.out()).isTrue();
		assertThat(run.report().replaced()).isFalse();
		assertThat(run.report().replayedEvents()).isGreaterThanOrEqualTo(history.org().version());
		assertThat(run.out())
			.contains("  qs_members: ", "  qs_role_history: ", "  qs_activity_log: ", "  qs_member_timeline: ",
					"  qs_invitations: ", "  qs_workspaces: ", "  qs_member_workspaces: ", "  qs_organizations: ",
					"  qs_projection_gaps: ")
			.contains("IDENTICAL")
			.doesNotContain("qs_consumer_positions");
	}

	@Test
	void a_row_changed_by_hand_is_reported_and_a_rebuild_repairs_it_while_the_service_runs() {
		History history = history();
		String org = history.org().id();
		long anna = history.anna().userId();
		this.database.update("UPDATE qs_members SET role = 'AD' WHERE organization_id = ? AND user_id = ?", org, anna);
		this.database.update("DELETE FROM qs_role_history WHERE organization_id = ? AND user_id = ? AND version = 7",
				org, anna);
		this.database.update("INSERT INTO qs_workspaces (organization_id, workspace_id, title, created_at, created_by) "
				+ "VALUES (?, 'ws_planted', 'Planted', CURRENT_TIMESTAMP, 1)", org);

		Run verified = verify();

		assertThat(verified.report().identical()).as(verified.out()).isFalse();
		assertThat(verified.report().differences()).extracting(Difference::table)
			.containsExactlyInAnyOrder("qs_members", "qs_role_history", "qs_workspaces");
		assertThat(verified.out())
			.contains("(organization_id=" + org + ", user_id=" + anna + ") role: live 'AD', rebuilt 'RE'")
			.contains("(organization_id=" + org + ", user_id=" + anna + ", version=7) missing from the live table: ")
			.contains("(organization_id=" + org + ", workspace_id=ws_planted) only in the live table: ")
			.contains("DIFFERENT: 3 rows differ from the replay {qs_members=1, qs_role_history=1, qs_workspaces=1}");

		Run rebuilt = rebuildAll();

		assertThat(rebuilt.report().replaced()).isTrue();
		assertThat(rebuilt.report().differences()).hasSize(3);
		assertThat(rebuilt.out()).contains("REBUILT: ").contains("(3 rows repaired)");
		assertThat(this.database.queryForObject("SELECT role FROM qs_members WHERE organization_id = ? AND user_id = ?",
				String.class, org, anna))
			.isEqualTo("RE");
		assertThat(this.database.queryForObject(
				"SELECT COUNT(*) FROM qs_workspaces WHERE organization_id = ? AND workspace_id = 'ws_planted'",
				Integer.class, org))
			.isZero();
		Map<Integer, Long> positions = new TreeMap<>();
		this.database
			.query("SELECT partition_id, next_offset FROM qs_consumer_positions WHERE consumer_name = 'query-side' "
					+ "AND topic = ?", (row) -> {
						positions.put(row.getInt(1), row.getLong(2));
					}, MembershipTopics.EVENTS);
		assertThat(positions).isEqualTo(rebuilt.report().offsets());
		assertThat(positions.keySet()).isEqualTo(endOffsets().keySet());

		Run afterwards = verify();
		assertThat(afterwards.report().identical()).as(afterwards.out()).isTrue();

		// The live consumer goes on from the positions the rebuild left.
		history.org()
			.recorded(history.admin()
				.client()
				.post(history.org().path() + "/memberships/" + anna + "/role", "{\"role\":\"AN\"}"));
		awaitProjected(history.org());
		assertThat(this.database.queryForObject("SELECT role FROM qs_members WHERE organization_id = ? AND user_id = ?",
				String.class, org, anna))
			.isEqualTo("AN");
		Run withTheNextEvent = verify();
		assertThat(withTheNextEvent.report().identical()).as(withTheNextEvent.out()).isTrue();
	}

	@Test
	void a_forged_record_is_refused_by_the_replay_as_by_the_live_consumer() throws Exception {
		History history = history();
		String org = history.org().id();
		long anna = history.anna().userId();
		ForgedRecords.write(this.bootstrapServers.value(), ForgedRecords.roleChange(org, history.org().ownerId(), anna,
				Role.REVIEWER, Role.ADMINISTRATOR, history.org().version() + 1, "forged", null));
		history.org()
			.recorded(history.admin()
				.client()
				.post(history.org().path() + "/memberships/" + anna + "/role", "{\"role\":\"AN\"}"));
		awaitProjected(history.org());

		Run verified = verify();
		Run rebuilt = rebuildAll();

		assertThat(verified.report().identical()).as(verified.out()).isTrue();
		assertThat(verified.out()).contains("without a valid MAC");
		assertThat(rebuilt.report().differences()).as(rebuilt.out()).isEmpty();
		assertThat(this.database.queryForObject("SELECT role FROM qs_members WHERE organization_id = ? AND user_id = ?",
				String.class, org, anna))
			.as("the real event after the forged one, rebuilt")
			.isEqualTo("AN");
	}

	@Test
	void the_command_verifies_and_rebuilds_with_the_services_configuration() {
		History history = history();
		TestDatabase testDatabase = TestDatabase.get();
		String[] configuration = { "--spring.datasource.url=" + testDatabase.jdbcUrl(),
				"--spring.datasource.username=" + testDatabase.username(),
				"--spring.datasource.password=" + testDatabase.password(), "--membership.kafka.embedded.enabled=false",
				"--membership.kafka.bootstrap-servers=" + this.bootstrapServers.value(),
				"--membership.kafka.record-key=" + TestRecordKey.VALUE, "--membership.data-dir=" + this.dataDirectory };

		Command identical = command(with(configuration, "--verify-only"));
		assertThat(identical.status()).as(identical.toString()).isZero();
		assertThat(identical.out()).contains("IDENTICAL");

		this.database.update("UPDATE qs_members SET role = 'MA' WHERE organization_id = ? AND user_id = ?",
				history.org().id(), history.anna().userId());
		Command different = command(with(configuration, "--verify-only"));
		assertThat(different.status()).as(different.toString()).isEqualTo(1);
		assertThat(different.out()).contains("role: live 'MA', rebuilt 'RE'").contains("DIFFERENT: 1 row differs");

		Command rebuilt = command(configuration);
		assertThat(rebuilt.status()).as(rebuilt.toString()).isZero();
		assertThat(rebuilt.out()).contains("REBUILT: ");
		assertThat(command(with(configuration, "--verify-only")).status()).isZero();
	}

	@Test
	void the_command_refuses_arguments_it_does_not_know() {
		assertThat(command("--verify").status()).isEqualTo(2);
		assertThat(command("now").status()).isEqualTo(2);
		assertThat(command("--verify").err()).startsWith("usage: rebuild-projections");
	}

	@Test
	void the_command_says_why_it_could_not_run() {
		Command unreachable = command("--verify-only", "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none",
				"--membership.kafka.embedded.enabled=false",
				"--membership.kafka.bootstrap-servers=" + this.bootstrapServers.value(),
				"--spring.datasource.hikari.connection-timeout=2000", "--membership.data-dir=" + this.dataDirectory);

		assertThat(unreachable.status()).as(unreachable.toString()).isEqualTo(2);
		assertThat(unreachable.err()).startsWith("rebuild-projections failed: ");
	}

	static String[] with(String[] configuration, String argument) {
		String[] all = java.util.Arrays.copyOf(configuration, configuration.length + 1);
		all[configuration.length] = argument;
		return all;
	}

	record Command(int status, String out, String err) {

		@Override
		public String toString() {
			return "exit " + this.status + "\n" + this.out + this.err;
		}

	}

	static Command command(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = ProjectionRebuildCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Command(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

}
