package io.membership.query.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.events.access.Role;
import io.membership.query.feed.AuthenticRecords;
import io.membership.query.feed.EventRecords;
import io.membership.query.feed.PersonalDataFeed;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.PersonalDataProjection;
import io.membership.query.support.InMemoryTopic;
import io.membership.query.support.OrganizationHistory;
import io.membership.query.support.PersonalDataTopic;
import io.membership.topics.MembershipTopics;

/**
 * Rebuilding the projections from the start of the events topic, on the embedded
 * default's database (H2, made by the query side's own migrations) and an in-memory
 * topic: a replay of what the live tables reflect is identical to them; rows changed by
 * hand are reported, table by table, and a rebuild puts them right and every consumer's
 * position at the end; a topic the live tables cannot have come from is refused.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProjectionRebuildTest {

	private final ScratchDatabase live = new ScratchDatabase();

	private final JdbcClient jdbc = JdbcClient.create(this.live.dataSource());

	private final InMemoryTopic topic = new InMemoryTopic(3);

	private final OrganizationHistory acme = OrganizationHistory.busy("Acme");

	private final OrganizationHistory globex = OrganizationHistory.busy("Globex");

	private final InMemoryTopic personalData = new InMemoryTopic(MembershipTopics.PERSONAL_DATA, 2);

	private final ProjectionRebuild rebuild = new ProjectionRebuild(this.live.dataSource(), this.topic::consumer,
			this.personalData::consumer, "query-side", OrganizationHistory.MAC);

	ProjectionRebuildTest() {
		this.personalData.appendAll(this.acme.personalDataRecords());
		this.personalData.appendAll(this.globex.personalDataRecords());
		this.topic.appendAll(this.acme.records());
		this.topic.appendAll(this.globex.records());
	}

	@AfterEach
	void closeTheDatabase() {
		this.live.close();
	}

	/**
	 * What the live consumer leaves: every signed record of the topic applied, and its
	 * position at the topic's end; a second instance, further behind, has one too.
	 */
	private void followTheTopic() {
		try (PersonalDataFeed addresses = new PersonalDataFeed(this.personalData.consumer(),
				new PersonalDataProjection(this.jdbc),
				new TransactionTemplate(new DataSourceTransactionManager(this.live.dataSource())),
				new AuthenticRecords(OrganizationHistory.MAC, new SimpleMeterRegistry()))) {
			addresses.readToEnd();
		}
		MembershipProjection projection = new MembershipProjection(this.jdbc);
		AuthenticRecords authenticity = new AuthenticRecords(OrganizationHistory.MAC, new SimpleMeterRegistry());
		for (ConsumerRecord<String, byte[]> record : this.topic.all()) {
			EventRecords.parse(record, authenticity).ifPresent(projection::apply);
		}
		this.jdbc.sql("DELETE FROM qs_consumer_positions").update();
		this.topic.endOffsets().forEach((partition, offset) -> {
			storePosition("query-side", partition, offset);
			storePosition("query-side-2", partition, 0);
		});
	}

	private void storePosition(String consumer, int partition, long offset) {
		this.jdbc
			.sql("INSERT INTO qs_consumer_positions (consumer_name, topic, partition_id, next_offset) "
					+ "VALUES (?, ?, ?, ?)")
			.params(consumer, MembershipTopics.EVENTS, partition, offset)
			.update();
	}

	private Map<String, Map<Integer, Long>> positions() {
		Map<String, Map<Integer, Long>> positions = new TreeMap<>();
		this.jdbc.sql("SELECT consumer_name, partition_id, next_offset FROM qs_consumer_positions WHERE topic = ?")
			.param(MembershipTopics.EVENTS)
			.query((row) -> {
				positions.computeIfAbsent(row.getString(1), (consumer) -> new TreeMap<>())
					.put(row.getInt(2), row.getLong(3));
			});
		return positions;
	}

	private String role(OrganizationHistory history, long user) {
		return this.jdbc.sql("SELECT role FROM qs_members WHERE organization_id = ? AND user_id = ?")
			.params(history.id().value(), user)
			.query(String.class)
			.single();
	}

	record Run(ProjectionRebuild.Report report, String out) {
	}

	private Run verify() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ProjectionRebuild.Report report = this.rebuild.verify(new PrintStream(out, true, StandardCharsets.UTF_8));
		return new Run(report, out.toString(StandardCharsets.UTF_8));
	}

	private Run rebuildAll() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ProjectionRebuild.Report report = this.rebuild.rebuild(new PrintStream(out, true, StandardCharsets.UTF_8));
		return new Run(report, out.toString(StandardCharsets.UTF_8));
	}

	@Test
	void a_replay_of_the_events_the_live_tables_reflect_is_identical_to_them() {
		followTheTopic();

		Run run = verify();

		assertThat(run.report().identical()).as(run.out()).isTrue();
		assertThat(run.report().replaced()).isFalse();
		assertThat(run.report().replayedEvents()).isEqualTo(this.acme.version() + this.globex.version());
		assertThat(run.report().offsets()).isEqualTo(this.topic.endOffsets());
		assertThat(run.out())
			.contains("  qs_members: 6 rows live, 6 rebuilt, identical", "  qs_organizations: 2 rows live, 2 rebuilt",
					"  qs_role_history: ", "  qs_activity_log: ", "  qs_member_timeline: ", "  qs_invitations: ",
					"  qs_workspaces: ", "  qs_member_workspaces: ", "  qs_projection_gaps: ",
					"  qs_quarantined_organizations: ")
			.contains("IDENTICAL")
			.doesNotContain("qs_consumer_positions");
	}

	@Test
	void rows_changed_by_hand_are_reported_and_a_rebuild_repairs_them_and_sets_every_consumers_position() {
		followTheTopic();
		String org = this.acme.id().value();
		this.jdbc.sql("UPDATE qs_members SET role = 'AD' WHERE organization_id = ? AND user_id = 3")
			.param(org)
			.update();
		this.jdbc.sql("DELETE FROM qs_role_history WHERE organization_id = ? AND user_id = 3 AND version = 4")
			.param(org)
			.update();
		this.jdbc
			.sql("INSERT INTO qs_workspaces (organization_id, workspace_id, title, created_at, created_by) "
					+ "VALUES (?, 'ws_planted', 'Planted', CURRENT_TIMESTAMP, 1)")
			.param(org)
			.update();

		Run verified = verify();

		assertThat(verified.report().identical()).as(verified.out()).isFalse();
		assertThat(verified.report().differences()).extracting(Difference::table)
			.containsExactlyInAnyOrder("qs_members", "qs_role_history", "qs_workspaces");
		assertThat(verified.out()).contains("(organization_id=" + org + ", user_id=3) role: live 'AD', rebuilt 'RE'")
			.contains("(organization_id=" + org + ", user_id=3, version=4) missing from the live table: ")
			.contains("(organization_id=" + org + ", workspace_id=ws_planted) only in the live table: ")
			.contains("DIFFERENT: 3 rows differ from the replay {qs_members=1, qs_role_history=1, qs_workspaces=1}");

		Run rebuilt = rebuildAll();

		assertThat(rebuilt.report().replaced()).isTrue();
		assertThat(rebuilt.report().differences()).hasSize(3);
		assertThat(rebuilt.out()).contains("REBUILT: ").contains("(3 rows repaired)").doesNotContain("Locking");
		assertThat(role(this.acme, 3)).isEqualTo("RE");
		assertThat(positions()).as("every consumer, the one behind too, goes on from the end")
			.isEqualTo(Map.of("query-side", new TreeMap<>(this.topic.endOffsets()), "query-side-2",
					new TreeMap<>(this.topic.endOffsets())));
		Run afterwards = verify();
		assertThat(afterwards.report().identical()).as(afterwards.out()).isTrue();
	}

	@Test
	void verifying_replays_only_what_the_live_tables_reflect_and_a_rebuild_goes_on_to_the_end() {
		followTheTopic();
		OrganizationHistory later = this.acme.roleChanged(3, Role.REVIEWER, Role.MANAGER);
		this.topic.append(later.record(later.version()));

		Run verified = verify();
		Run rebuilt = rebuildAll();

		assertThat(verified.report().identical()).as(verified.out()).isTrue();
		assertThat(verified.report().replayedEvents()).isEqualTo(this.acme.version() - 1 + this.globex.version());
		assertThat(rebuilt.report().differences()).as(rebuilt.out()).isEmpty();
		assertThat(rebuilt.report().offsets()).isEqualTo(this.topic.endOffsets());
		assertThat(role(this.acme, 3)).as("the event the live consumer had not reached yet").isEqualTo("MA");
	}

	@Test
	void a_forged_record_is_refused_by_the_replay_as_by_the_live_consumer() {
		OrganizationHistory next = this.acme.roleChanged(3, Role.REVIEWER, Role.ADMINISTRATOR);
		this.topic.append(next.unsigned(next.version()));
		followTheTopic();

		Run verified = verify();
		Run rebuilt = rebuildAll();

		assertThat(verified.report().identical()).as(verified.out()).isTrue();
		assertThat(verified.out()).contains("(refused 1 record without a valid MAC");
		assertThat(rebuilt.report().differences()).as(rebuilt.out()).isEmpty();
		assertThat(role(this.acme, 3)).isEqualTo("RE");
	}

	@Test
	void an_organization_set_aside_is_released_by_a_rebuild() {
		followTheTopic();
		String org = this.acme.id().value();
		this.jdbc.sql("DELETE FROM qs_members WHERE organization_id = ? AND user_id = 3").param(org).update();
		this.jdbc
			.sql("INSERT INTO qs_quarantined_organizations (organization_id, version, event_id, event_type, failure, "
					+ "quarantined_at) VALUES (?, 3, 'evt-3', 'MemberJoined', 'planted', CURRENT_TIMESTAMP)")
			.param(org)
			.update();

		Run rebuilt = rebuildAll();

		assertThat(rebuilt.report().differences()).extracting(Difference::table)
			.containsExactlyInAnyOrder("qs_members", "qs_quarantined_organizations");
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM qs_quarantined_organizations").query(Long.class).single())
			.isZero();
		assertThat(role(this.acme, 3)).isEqualTo("RE");
	}

	@Test
	void a_topic_whose_first_records_were_deleted_cannot_be_replayed() {
		followTheTopic();
		this.topic.deleteBefore(1, 1);

		assertThatIllegalStateException().isThrownBy(this::verify)
			.withMessageContaining("partition 1 no longer starts at offset 0")
			.withMessageContaining("a replay would be incomplete");
	}

	@Test
	void live_positions_beyond_the_end_of_the_topic_mean_it_was_recreated() {
		followTheTopic();
		this.jdbc.sql("UPDATE qs_consumer_positions SET next_offset = next_offset + 5 WHERE partition_id = 0").update();

		assertThatIllegalStateException().isThrownBy(this::verify)
			.withMessageContaining("is beyond the end of " + MembershipTopics.EVENTS)
			.withMessageContaining("the topic was recreated");
	}

	@Test
	void live_positions_in_a_partition_the_topic_does_not_have_are_refused() {
		followTheTopic();
		storePosition("query-side", 7, 1);

		assertThatIllegalStateException().isThrownBy(this::verify)
			.withMessageContaining("position in partition 7 of " + MembershipTopics.EVENTS);
	}

	@Test
	void the_replay_reads_records_written_in_many_polls_across_partitions() {
		for (int i = 0; i < 20; i++) {
			this.topic.appendAll(OrganizationHistory.busy("Org " + i).records());
		}
		followTheTopic();

		Run verified = verify();

		assertThat(verified.report().identical()).as(verified.out()).isTrue();
		assertThat(verified.report().replayedEvents()).isEqualTo(this.topic.all().size());
	}

	/**
	 * A replay applies each poll in three lanes of partitions side by side, with one
	 * person (user 4) erased by two organizations, each in a partition of its own: the
	 * replay equals the live tables, which one event at a time made, row by row.
	 */
	@Test
	void a_replay_in_several_lanes_equals_the_live_tables_row_by_row() {
		for (int i = 0; i < 12; i++) {
			this.topic.appendAll(OrganizationHistory.busy("Org " + i).records());
		}
		for (String name : List.of("Initech", "Umbrella", "Hooli")) {
			OrganizationHistory erasing = OrganizationHistory.everyEventType(name);
			this.personalData.appendAll(erasing.personalDataRecords());
			this.topic.appendAll(erasing.records());
		}
		followTheTopic();
		ProjectionRebuild inLanes = new ProjectionRebuild(this.live.dataSource(), this.topic::consumer,
				this.personalData::consumer, "query-side", OrganizationHistory.MAC)
			.withLanes(3);

		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ProjectionRebuild.Report report = inLanes.verify(new PrintStream(out, true, StandardCharsets.UTF_8));

		assertThat(report.identical()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
		assertThat(report.replayedEvents()).isEqualTo(this.topic.all().size());
		assertThat(out.toString(StandardCharsets.UTF_8)).contains("  qs_personal_data: ", "  qs_activity_log: ");
	}

	/**
	 * A person erased (user 4 of an organization with every event type: their address and
	 * their invitation's), the tombstones written after the event. The live tables are
	 * compared with replays of the personal-data topic as it is, compacted to the
	 * tombstones, and with the tombstones deleted in turn: every replay equals them row
	 * by row, and no table holds the erased addresses.
	 */
	@Test
	void after_an_erasure_a_replay_equals_the_live_tables_however_far_the_topic_was_compacted()
			throws java.sql.SQLException {
		OrganizationHistory erased = OrganizationHistory.everyEventType("Initech");
		Instant erasedAt = erased.occurredAt(erased.version());
		List<ProducerRecord<String, byte[]>> tombstones = List.of(
				PersonalDataTopic.tombstone("user:4", erasedAt.plusMillis(20)),
				PersonalDataTopic.tombstone("invitation:inv_bob", erasedAt.plusMillis(20)));
		this.personalData.appendAll(erased.personalDataRecords());
		this.topic.appendAll(erased.records());
		this.personalData.appendAll(tombstones);
		followTheTopic();
		assertThat(everyValue()).as("live").noneMatch((value) -> value.contains("bob@acme.test"));

		InMemoryTopic compacted = new InMemoryTopic(MembershipTopics.PERSONAL_DATA, 2);
		compacted.appendAll(this.acme.personalDataRecords());
		compacted.appendAll(this.globex.personalDataRecords());
		compacted.appendAll(erased.personalDataRecords()
			.stream()
			.filter((record) -> !record.key().equals("user:4") && !record.key().equals("invitation:inv_bob"))
			.toList());
		InMemoryTopic tombstonesDeleted = new InMemoryTopic(MembershipTopics.PERSONAL_DATA, 2);
		tombstonesDeleted.appendAll(compacted.all()
			.stream()
			.map((record) -> new ProducerRecord<>(record.topic(), null, record.key(), record.value(), record.headers()))
			.toList());
		compacted.appendAll(tombstones);

		for (InMemoryTopic personalData : List.of(this.personalData, compacted, tombstonesDeleted)) {
			ProjectionRebuild rebuild = new ProjectionRebuild(this.live.dataSource(), this.topic::consumer,
					personalData::consumer, "query-side", OrganizationHistory.MAC);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			ProjectionRebuild.Report report = rebuild.verify(new PrintStream(out, true, StandardCharsets.UTF_8));

			assertThat(report.identical()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
			assertThat(out.toString(StandardCharsets.UTF_8)).contains("  qs_personal_data: ");
		}
		ProjectionRebuild fromTheCompactedTopic = new ProjectionRebuild(this.live.dataSource(), this.topic::consumer,
				tombstonesDeleted::consumer, "query-side", OrganizationHistory.MAC);
		fromTheCompactedTopic.rebuild(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
		assertThat(everyValue()).as("rebuilt").isNotEmpty().noneMatch((value) -> value.contains("bob@acme.test"));
		assertThat(this.jdbc.sql("SELECT email, erased FROM qs_personal_data WHERE data_key = 'user:4'")
			.query()
			.singleRow()).containsValues(null, true);
	}

	/** Every value of every projection table, as text. */
	private List<String> everyValue() throws java.sql.SQLException {
		List<String> values = new java.util.ArrayList<>();
		try (java.sql.Connection connection = this.live.dataSource().getConnection()) {
			for (String table : LiveTables.projectionTables(connection)) {
				this.jdbc.sql("SELECT * FROM " + table)
					.query()
					.listOfRows()
					.forEach((row) -> row.values().forEach((value) -> values.add(String.valueOf(value))));
			}
		}
		return values;
	}

}
