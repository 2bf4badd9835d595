package io.membership.query.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.OrganizationQuarantine;
import io.membership.query.projection.ProjectedEvent;
import io.membership.query.read.Timelines;
import io.membership.query.rebuild.ScratchDatabase;
import io.membership.query.support.InMemoryTopic;
import io.membership.query.support.OrganizationHistory;
import io.membership.query.view.PermissionView;

/**
 * A poll applied in lanes: its partitions split into groups, each group applied on a
 * thread of its own in its own transaction with its partitions' positions, on a database
 * that gives each transaction a connection of its own (the embedded default's H2, made by
 * the query side's own migrations). One organization's trouble stays in its lane: a lane
 * waiting for a lock, a lane whose event cannot be applied, a lane that finds the
 * database gone.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PollLanesTest {

	private final ScratchDatabase database = new ScratchDatabase();

	private final DataSource connections = this.database.connections();

	private final JdbcClient jdbc = JdbcClient.create(this.connections);

	private final PermissionView view = new PermissionView(this.jdbc, new Timelines(this.jdbc));

	private final InMemoryTopic topic = new InMemoryTopic(3);

	/** The organizations of each poll of events the projection was given, in order. */
	private final List<List<OrganizationId>> projected = Collections.synchronizedList(new ArrayList<>());

	private final PartitionLanes lanes = new PartitionLanes(2, "test-lane");

	private final ExecutorService consumerThread = Executors.newSingleThreadExecutor();

	private Predicate<Throwable> databaseUnavailable = (failure) -> false;

	private final PollApplier applier = new PollApplier(new RecordingProjection(),
			new OrganizationQuarantine(this.jdbc), this.view, new ConsumerPositions(this.jdbc, "query-side"),
			new TransactionTemplate(new DataSourceTransactionManager(this.connections)),
			new AuthenticRecords(OrganizationHistory.MAC, new SimpleMeterRegistry()),
			(failure) -> this.databaseUnavailable.test(failure), (keys) -> {
			}, this.lanes);

	PollLanesTest() throws Exception {
		try (Connection connection = this.database.connection(); Statement statement = connection.createStatement()) {
			// A lane waits for a lock as long as a test holds it, not H2's default
			// second.
			statement.execute("SET DEFAULT_LOCK_TIMEOUT 30000");
		}
		this.view.loadAll();
	}

	@AfterEach
	void stop() {
		this.consumerThread.shutdownNow();
		this.lanes.close();
		this.database.close();
	}

	@Test
	void an_organization_whose_lane_waits_for_a_lock_does_not_hold_back_another_partitions_organization()
			throws Exception {
		List<OrganizationHistory> two = inDifferentPartitions(OrganizationHistory::busy);
		OrganizationHistory waiting = two.get(0);
		OrganizationHistory other = two.get(1);
		poll(write(waiting, 1));
		List<ConsumerRecord<String, byte[]>> rest = new ArrayList<>(write(waiting, 2, 3, 4));
		rest.addAll(writeAll(other));

		Future<?> polled;
		try (Connection holder = this.connections.getConnection()) {
			// Another transaction holds the organization's row, as a second instance
			// applying the same event, or a rebuild replacing the tables, would.
			holder.setAutoCommit(false);
			try (Statement statement = holder.createStatement()) {
				statement.executeQuery("SELECT version FROM qs_organizations WHERE organization_id = '"
						+ waiting.id().value() + "' FOR UPDATE");
			}
			polled = this.consumerThread.submit(() -> poll(rest));

			eventually(() -> this.view.version(other.id()) == other.version());
			assertThat(versionOf(other)).as("committed, not only in memory").isEqualTo(other.version());
			assertThat(positions()).as("its partition's position committed with it")
				.containsEntry(partitionOf(other), (long) other.version());
			assertThat(polled).as("the other lane still waits").isNotDone();
			assertThat(versionOf(waiting)).isEqualTo(1);
			holder.commit();
		}

		polled.get(30, TimeUnit.SECONDS);
		assertThat(versionOf(waiting)).isEqualTo(4);
		assertThat(this.view.version(waiting.id())).isEqualTo(4);
		assertThat(setAside()).isEmpty();
	}

	@Test
	void an_organization_whose_event_cannot_be_applied_is_set_aside_while_the_other_lane_commits_its_poll_at_once() {
		List<OrganizationHistory> two = inDifferentPartitions((name) -> OrganizationHistory.created(name)
			.joined(2, Role.ADMINISTRATOR)
			.joined(3, Role.ANNOTATOR)
			.roleChanged(2, Role.ADMINISTRATOR, Role.MANAGER));
		OrganizationHistory poisoned = two.get(0);
		OrganizationHistory neighbour = two.get(1);
		poll(write(poisoned, 1, 2));
		plantMember(poisoned, 3);
		this.projected.clear();

		poll(write(poisoned, 3, 4), writeAll(neighbour));

		assertThat(setAside()).containsExactly(poisoned.id().value());
		assertThat(this.view.isSetAside(poisoned.id())).isTrue();
		assertThat(versionOf(poisoned)).as("stays before the event it could not apply").isEqualTo(2);
		assertThat(versionOf(neighbour)).isEqualTo(neighbour.version());
		assertThat(this.view.version(neighbour.id())).isEqualTo(neighbour.version());
		assertThat(this.view.isSetAside(neighbour.id())).isFalse();
		assertThat(this.projected.stream().filter((poll) -> poll.contains(neighbour.id())))
			.as("the neighbour's lane applied its events once, together, and never again one by one")
			.containsExactly(Collections.nCopies((int) neighbour.version(), neighbour.id()));
		assertThat(positions()).as("past every record, the one that failed too").isEqualTo(nonEmpty(this.topic));
	}

	@Test
	void a_database_outage_in_one_lane_leaves_the_other_lanes_commit_and_the_consumer_resumes_from_the_stored_positions() {
		List<OrganizationHistory> two = inDifferentPartitions(OrganizationHistory::busy);
		OrganizationHistory failing = two.get(0);
		OrganizationHistory applied = two.get(1);
		poll(write(failing, 1));
		// The insert of user 2 fails in the failing organization's lane, and the failure
		// is taken for an unreachable database.
		plantMember(failing, 2);
		this.databaseUnavailable = (failure) -> true;

		assertThatRuntimeException().isThrownBy(() -> poll(write(failing, 2, 3, 4, 5, 6, 7), writeAll(applied)));

		assertThat(setAside()).as("nobody is blamed for an outage").isEmpty();
		assertThat(versionOf(failing)).isEqualTo(1);
		assertThat(versionOf(applied)).as("the other lane committed").isEqualTo(applied.version());
		assertThat(this.view.version(applied.id())).isEqualTo(applied.version());
		assertThat(positions()).containsEntry(partitionOf(failing), 1L)
			.containsEntry(partitionOf(applied), (long) applied.version());

		// The database is back; the consumer starts again from the stored positions.
		this.jdbc.sql("DELETE FROM qs_members WHERE organization_id = ? AND user_id = 2")
			.param(failing.id().value())
			.update();
		this.databaseUnavailable = (failure) -> false;
		Map<Integer, Long> stored = positions();
		poll(this.topic.all()
			.stream()
			.filter((record) -> record.offset() >= stored.getOrDefault(record.partition(), 0L))
			.toList());

		assertThat(versionOf(failing)).isEqualTo(failing.version());
		assertThat(this.view.version(failing.id())).isEqualTo(failing.version());
		assertThat(activityLogEntries(failing)).as("nothing lost").isEqualTo(failing.version());
		assertThat(activityLogEntries(applied)).as("nothing applied twice").isEqualTo(applied.version());
		assertThat(positions()).isEqualTo(nonEmpty(this.topic));
		assertThat(setAside()).isEmpty();
	}

	/**
	 * Two organizations whose records land in different partitions (their ids are
	 * random).
	 */
	private List<OrganizationHistory> inDifferentPartitions(
			java.util.function.Function<String, OrganizationHistory> history) {
		OrganizationHistory first = history.apply("First");
		InMemoryTopic probe = new InMemoryTopic(3);
		int partition = probe.append(first.record(1)).partition();
		for (int i = 0; i < 100; i++) {
			OrganizationHistory second = history.apply("Second " + i);
			if (probe.append(second.record(1)).partition() != partition) {
				return List.of(first, second);
			}
		}
		throw new IllegalStateException("No organization of 100 landed in another partition");
	}

	private int partitionOf(OrganizationHistory history) {
		return this.topic.all()
			.stream()
			.filter((record) -> record.key().equals(history.id().value()))
			.findFirst()
			.orElseThrow()
			.partition();
	}

	private List<ConsumerRecord<String, byte[]>> write(OrganizationHistory history, long... versions) {
		return this.topic.appendVersions(history, versions);
	}

	private List<ConsumerRecord<String, byte[]>> writeAll(OrganizationHistory history) {
		return this.topic.appendAll(history.records());
	}

	@SafeVarargs
	private void poll(List<ConsumerRecord<String, byte[]>>... parts) {
		this.applier.apply(InMemoryTopic.pollOf(parts));
	}

	private void plantMember(OrganizationHistory history, long user) {
		this.jdbc
			.sql("INSERT INTO qs_members (organization_id, user_id, role, joined_at, version) "
					+ "VALUES (?, ?, 'AN', CURRENT_TIMESTAMP, 1)")
			.params(history.id().value(), user)
			.update();
	}

	private long versionOf(OrganizationHistory history) {
		return new Timelines(this.jdbc).versionOf(history.id());
	}

	private long activityLogEntries(OrganizationHistory history) {
		return this.jdbc.sql("SELECT COUNT(*) FROM qs_activity_log WHERE organization_id = ?")
			.param(history.id().value())
			.query(Long.class)
			.single();
	}

	private Map<Integer, Long> positions() {
		return new ConsumerPositions(this.jdbc, "query-side").stored();
	}

	private List<String> setAside() {
		return this.jdbc.sql("SELECT organization_id FROM qs_quarantined_organizations").query(String.class).list();
	}

	private static Map<Integer, Long> nonEmpty(InMemoryTopic topic) {
		return topic.endOffsets()
			.entrySet()
			.stream()
			.filter((end) -> end.getValue() > 0)
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

	private static void eventually(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime() - deadline).as("waited 20 s").isNegative();
			Thread.sleep(10);
		}
	}

	/** The projection itself, noting which organizations each poll it applies holds. */
	private final class RecordingProjection extends MembershipProjection {

		RecordingProjection() {
			super(PollLanesTest.this.jdbc, new JdbcTemplate(PollLanesTest.this.connections));
		}

		@Override
		public List<Outcome> applyAll(List<ProjectedEvent> events) {
			PollLanesTest.this.projected.add(events.stream().map(ProjectedEvent::organizationId).toList());
			return super.applyAll(events);
		}

	}

}
