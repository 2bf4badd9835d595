package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.events.ids.OrganizationId;
import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestRecordKey;
import io.membership.infra.support.TopicReader;
import io.membership.query.feed.AuthenticRecords;
import io.membership.query.feed.EventRecords;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.MembershipProjection.Outcome;
import io.membership.query.projection.ProjectedEvent;
import io.membership.query.read.Timelines;

/**
 * The projections are a pure function of {@code membership.events.v1}: a few
 * organizations are driven through every kind of command, then the whole topic is
 * replayed from its first record into empty projection tables (a schema of their own,
 * made by the service's own migrations) and the rebuilt tables are compared with the live
 * ones, row by row and column by column. Replayed again, or with every record delivered
 * twice, nothing changes; with one record missing, the gap is recorded and the
 * organization's views stop just before it.
 */
@PostgresServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectionReplayTest {

	private static final Logger logger = LoggerFactory.getLogger(ProjectionReplayTest.class);

	private static final int ORGANIZATIONS = 3;

	private static final AuthenticRecords AUTHENTICITY = new AuthenticRecords(TestRecordKey.mac(),
			new SimpleMeterRegistry());

	@LocalServerPort
	int port;

	@Autowired
	KafkaBootstrapServers bootstrapServers;

	private final List<BusyOrganization> organizations = new ArrayList<>();

	private final List<String> organizationIds = new ArrayList<>();

	private final List<ProjectionTables> copies = new ArrayList<>();

	/**
	 * Every record the service published on the topic, of every organization any test
	 * created; records without its MAC are left out, as the query side leaves them out.
	 */
	private List<ConsumerRecord<String, byte[]>> topic;

	/** The records of this test's organizations. */
	private List<ConsumerRecord<String, byte[]>> ours;

	private ProjectionTables liveTables;

	private Map<String, List<List<Object>>> live;

	@BeforeAll
	void organizations_driven_through_every_kind_of_command_and_the_whole_topic() {
		for (int i = 0; i < ORGANIZATIONS; i++) {
			BusyOrganization organization = BusyOrganization.drive(this.port);
			this.organizations.add(organization);
			this.organizationIds.add(organization.id());
		}
		this.organizations.forEach(BusyOrganization::awaitQuerySide);
		try (TopicReader events = TopicReader.events(this.bootstrapServers.value())) {
			this.topic = events.readToEnd(Duration.ofSeconds(30))
				.stream()
				.filter((record) -> TestRecordKey.mac().verify(record).accepted())
				.toList();
		}
		this.ours = this.topic.stream().filter((record) -> this.organizationIds.contains(record.key())).toList();
		this.liveTables = ProjectionTables.live();
		assertThat(this.liveTables.tableNames()).as("the projection tables the comparison covers")
			.containsExactlyInAnyOrderElementsOf(ProjectionTables.TABLES);
		this.live = this.liveTables.snapshot(this.organizationIds, ProjectionTables.TABLES);
		for (BusyOrganization organization : this.organizations) {
			assertThat(this.live.get("qs_organizations")).as("the live view has reached every event")
				.anySatisfy((row) -> assertThat(row).startsWith(organization.id()).contains(organization.version()));
		}
		for (String table : List.of("qs_invitations", "qs_members", "qs_workspaces", "qs_member_workspaces",
				"qs_member_timeline", "qs_role_history", "qs_activity_log")) {
			assertThat(this.live.get(table)).as("%s has rows to compare", table).isNotEmpty();
		}
	}

	@AfterAll
	void drop_the_copies() {
		this.copies.forEach(ProjectionTables::drop);
		if (this.liveTables != null) {
			this.liveTables.close();
		}
	}

	private ProjectionTables emptyCopy(String suffix) {
		ProjectionTables copy = ProjectionTables.empty(suffix);
		this.copies.add(copy);
		assertThat(copy.snapshot(this.organizationIds, ProjectionTables.TABLES).values())
			.allSatisfy((rows) -> assertThat(rows).isEmpty());
		return copy;
	}

	@Test
	void replaying_the_topic_into_empty_tables_rebuilds_the_live_projections_exactly_and_a_second_replay_changes_nothing() {
		ProjectionTables rebuilt = emptyCopy("replay");
		MembershipProjection projection = rebuilt.projection();
		long applied = rebuilt.inTransaction(() -> this.topic.stream()
			.filter((record) -> projection.apply(parse(record)) == Outcome.APPLIED)
			.count());
		assertThat(applied).as("this test's organizations' events were applied")
			.isGreaterThanOrEqualTo(this.organizations.stream().mapToLong(BusyOrganization::version).sum());
		assertThat(rebuilt.snapshot(this.organizationIds, ProjectionTables.TABLES)).isEqualTo(this.live);
		List<Map<String, Object>> gaps = rebuilt.jdbc()
			.sql("SELECT organization_id, expected_version, received_version, event_id FROM qs_projection_gaps")
			.query()
			.listOfRows();
		assertThat(gaps).as("none of this test's organizations has a gap")
			.noneMatch((gap) -> this.organizationIds.contains(gap.get("organization_id")));
		if (!gaps.isEmpty()) {
			// Other tests write to the shared topic while this one reads it; a gap of
			// theirs
			// is reported here (and checked by their own tests) rather than failing this
			// one.
			logger.warn("Gaps of other tests' organizations in the replayed topic: {}", gaps);
		}

		List<String> changed = new ArrayList<>();
		rebuilt.inTransaction(() -> {
			for (ConsumerRecord<String, byte[]> record : this.topic) {
				ProjectedEvent event = parse(record);
				Outcome outcome = projection.apply(event);
				if (outcome != Outcome.DUPLICATE && this.organizationIds.contains(event.organizationId().value())) {
					changed.add(event.organizationId() + " v" + event.version() + ": " + outcome);
				}
			}
			return null;
		});
		assertThat(changed).as("a second replay finds nothing new for this test's organizations").isEmpty();
		assertThat(rebuilt.snapshot(this.organizationIds, ProjectionTables.TABLES)).isEqualTo(this.live);
	}

	@Test
	void every_record_delivered_twice_rebuilds_the_same_projections() {
		ProjectionTables rebuilt = emptyCopy("twice");
		MembershipProjection projection = rebuilt.projection();
		List<String> secondDeliveries = new ArrayList<>();
		rebuilt.inTransaction(() -> {
			for (ConsumerRecord<String, byte[]> record : this.ours) {
				projection.apply(parse(record));
				ProjectedEvent again = parse(record);
				Outcome outcome = projection.apply(again);
				if (outcome != Outcome.DUPLICATE) {
					secondDeliveries.add(again.organizationId() + " v" + again.version() + ": " + outcome);
				}
			}
			return null;
		});
		assertThat(secondDeliveries).as("a record delivered again is a duplicate").isEmpty();
		assertThat(rebuilt.snapshot(this.organizationIds, ProjectionTables.TABLES)).isEqualTo(this.live);
	}

	@Test
	void a_missing_record_is_recorded_as_a_gap_and_the_organization_stops_just_before_it() {
		BusyOrganization victim = this.organizations.get(1);
		long missing = victim.version() / 2;
		ProjectionTables rebuilt = emptyCopy("gap");
		MembershipProjection projection = rebuilt.projection();
		List<ConsumerRecord<String, byte[]>> withheld = new ArrayList<>();
		String nextEventId = null;
		for (ConsumerRecord<String, byte[]> record : this.ours) {
			ProjectedEvent event = parse(record);
			boolean victims = event.organizationId().value().equals(victim.id());
			if (victims && event.version() == missing) {
				withheld.add(record);
				continue;
			}
			if (victims && event.version() == missing + 1 && nextEventId == null) {
				nextEventId = event.eventId();
			}
			Outcome outcome = projection.apply(event);
			if (victims && event.version() > missing) {
				assertThat(outcome).as("v%d after the missing v%d", event.version(), missing).isEqualTo(Outcome.GAP);
			}
		}
		assertThat(withheld).hasSize(1);

		assertThat(new Timelines(rebuilt.jdbc()).versionOf(new OrganizationId(victim.id())))
			.as("the organization's views stop just before the gap")
			.isEqualTo(missing - 1);
		List<Map<String, Object>> gaps = rebuilt.jdbc()
			.sql("SELECT organization_id, expected_version, received_version, event_id FROM qs_projection_gaps "
					+ "ORDER BY received_version")
			.query()
			.listOfRows();
		assertThat(gaps).as("one gap row for every event that arrived past the missing one")
			.hasSize((int) (victim.version() - missing));
		assertThat(gaps).allSatisfy((gap) -> {
			assertThat(gap.get("organization_id")).isEqualTo(victim.id());
			assertThat(gap.get("expected_version")).isEqualTo(missing);
		});
		assertThat(gaps.get(0).get("received_version")).isEqualTo(missing + 1);
		assertThat(gaps.get(0).get("event_id")).isEqualTo(nextEventId);
		assertThat(rebuilt.jdbc()
			.sql("SELECT version FROM qs_activity_log WHERE organization_id = ? ORDER BY version")
			.param(victim.id())
			.query(Long.class)
			.list()).as("nothing past the gap was applied")
			.containsExactlyElementsOf(LongStream.range(1, missing).boxed().toList());

		List<String> others = new ArrayList<>(this.organizationIds);
		others.remove(victim.id());
		assertThat(rebuilt.snapshot(others, ProjectionTables.TABLES)).as("the other organizations are not held back")
			.isEqualTo(this.liveTables.snapshot(others, ProjectionTables.TABLES));

		// Once the missing record arrives and the rest is delivered again, the
		// organization
		// catches up to exactly the live state; the gap stays on record.
		projection.apply(parse(withheld.get(0)));
		rebuilt.inTransaction(() -> {
			this.ours.forEach((record) -> projection.apply(parse(record)));
			return null;
		});
		List<String> projectionsWithoutGaps = ProjectionTables.TABLES.stream()
			.filter((table) -> !table.equals("qs_projection_gaps"))
			.toList();
		assertThat(rebuilt.snapshot(this.organizationIds, projectionsWithoutGaps))
			.isEqualTo(this.liveTables.snapshot(this.organizationIds, projectionsWithoutGaps));
	}

	/**
	 * The record as the query side's consumer parses it ({@link EventRecords}): the body
	 * by its {@code ce_type}, the version from {@code ce_orgversion}, the id from
	 * {@code ce_id}.
	 */
	private static ProjectedEvent parse(ConsumerRecord<String, byte[]> record) {
		return EventRecords.parse(record, AUTHENTICITY)
			.orElseThrow(() -> new AssertionError("not an event of a known type at offset " + record.offset()));
	}

}
