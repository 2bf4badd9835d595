package io.membership.query.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

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
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.OrganizationQuarantine;
import io.membership.query.read.Timelines;
import io.membership.query.rebuild.ScratchDatabase;
import io.membership.query.support.InMemoryTopic;
import io.membership.query.support.OrganizationHistory;
import io.membership.query.view.PermissionView;

/**
 * What the feed does with a poll, on the embedded default's database (H2, made by the
 * query side's own migrations) and without Kafka: the poll's events and positions in one
 * transaction; an organization whose event cannot be applied, or arrives past a gap, set
 * aside alone until a rebuild releases it; a record the service did not sign, skipped
 * without blaming anyone; an unreachable database, waited out rather than blamed on an
 * organization.
 *
 * <p>
 * An event that cannot be applied is made as {@code OrganizationQuarantineTest} makes it:
 * the member row a later {@code MemberJoined} inserts is planted by hand, so the
 * projection's insert fails as any unforeseen bug would.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PollApplierTest {

	private final ScratchDatabase database = new ScratchDatabase();

	private final JdbcClient jdbc = JdbcClient.create(this.database.dataSource());

	private final OrganizationQuarantine quarantine = new OrganizationQuarantine(this.jdbc);

	private final PermissionView view = new PermissionView(this.jdbc, new Timelines(this.jdbc));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final InMemoryTopic topic = new InMemoryTopic(3);

	private final List<Throwable> seenAsUnavailable = new ArrayList<>();

	private Predicate<Throwable> databaseUnavailable = (failure) -> false;

	private final PollApplier applier = new PollApplier(new MembershipProjection(this.jdbc), this.quarantine, this.view,
			new ConsumerPositions(this.jdbc, "query-side"),
			new TransactionTemplate(new DataSourceTransactionManager(this.database.dataSource())),
			new AuthenticRecords(OrganizationHistory.MAC, this.meters), (failure) -> {
				this.seenAsUnavailable.add(failure);
				return this.databaseUnavailable.test(failure);
			});

	PollApplierTest() {
		this.view.loadAll();
	}

	@AfterEach
	void closeTheDatabase() {
		this.database.close();
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

	private long versionOf(OrganizationHistory history) {
		return new Timelines(this.jdbc).versionOf(history.id());
	}

	private Map<Integer, Long> positions() {
		return new ConsumerPositions(this.jdbc, "query-side").stored();
	}

	private List<Map<String, Object>> setAside() {
		return this.jdbc.sql("SELECT organization_id, version, event_type, failure FROM qs_quarantined_organizations")
			.query()
			.listOfRows();
	}

	/** Plants the member row that this user's {@code MemberJoined} will insert. */
	private void plantMember(OrganizationHistory history, long user) {
		this.jdbc
			.sql("INSERT INTO qs_members (organization_id, user_id, role, joined_at, version) "
					+ "VALUES (?, ?, 'AN', CURRENT_TIMESTAMP, 1)")
			.params(history.id().value(), user)
			.update();
	}

	@Test
	void a_poll_is_applied_with_the_positions_it_reached_and_the_view_follows() {
		OrganizationHistory acme = OrganizationHistory.busy("Acme");
		OrganizationHistory globex = OrganizationHistory.created("Globex").joined(5, Role.MANAGER);

		poll(writeAll(acme), writeAll(globex));

		assertThat(versionOf(acme)).isEqualTo(acme.version());
		assertThat(versionOf(globex)).isEqualTo(2);
		assertThat(positions()).isEqualTo(nonEmpty(this.topic));
		assertThat(this.view.version(acme.id())).isEqualTo(acme.version());
		assertThat(this.view.member(globex.id(), UserId.of(5)))
			.hasValueSatisfying((member) -> assertThat(member.role()).isEqualTo(Role.MANAGER));
		assertThat(setAside()).isEmpty();
	}

	@Test
	void an_event_that_cannot_be_applied_sets_aside_its_organization_only_and_its_later_events_are_skipped() {
		OrganizationHistory poisoned = OrganizationHistory.created("Poisoned")
			.joined(2, Role.ADMINISTRATOR)
			.joined(3, Role.ANNOTATOR)
			.roleChanged(2, Role.ADMINISTRATOR, Role.MANAGER);
		OrganizationHistory neighbour = OrganizationHistory.created("Neighbour").joined(2, Role.ANNOTATOR);
		poll(write(poisoned, 1, 2));
		plantMember(poisoned, 3);

		poll(write(poisoned, 3, 4), writeAll(neighbour));

		assertThat(setAside()).singleElement().satisfies((row) -> {
			assertThat(row.get("organization_id")).isEqualTo(poisoned.id().value());
			assertThat(row.get("version")).isEqualTo(3L);
			assertThat(row.get("event_type")).isEqualTo("MemberJoined");
			assertThat((String) row.get("failure")).contains("SQL state 23505");
		});
		assertThat(this.view.isSetAside(poisoned.id())).isTrue();
		assertThat(versionOf(poisoned)).as("stays before the event it could not apply").isEqualTo(2);
		assertThat(versionOf(neighbour)).as("every other organization carries on").isEqualTo(neighbour.version());
		assertThat(this.view.isSetAside(neighbour.id())).isFalse();
		assertThat(positions()).as("past every record, the one that failed too").isEqualTo(nonEmpty(this.topic));

		OrganizationHistory more = poisoned.workspaceCreated("ws_later");
		poll(write(more, 5));
		assertThat(versionOf(poisoned)).as("its later events are skipped").isEqualTo(2);
		assertThat(setAside()).hasSize(1);
	}

	@Test
	void an_event_past_a_gap_sets_its_organization_aside() {
		OrganizationHistory history = OrganizationHistory.busy("Gappy");

		poll(write(history, 1, 2, 4));

		assertThat(setAside()).singleElement().satisfies((row) -> {
			assertThat(row.get("version")).isEqualTo(4L);
			assertThat(row.get("failure")).isEqualTo("arrived past a gap in the organization's versions");
		});
		assertThat(versionOf(history)).isEqualTo(2);
		assertThat(this.view.isSetAside(history.id())).isTrue();
	}

	@Test
	void a_record_without_a_valid_mac_changes_nothing_is_counted_and_does_not_take_the_real_events_version() {
		OrganizationHistory history = OrganizationHistory.created("Acme").joined(3, Role.ANNOTATOR);
		poll(writeAll(history));
		OrganizationHistory forged = history.roleChanged(3, Role.ANNOTATOR, Role.ADMINISTRATOR);
		ProducerRecord<String, byte[]> wrongMac = forged.unsigned(3);
		wrongMac.headers().add("membership_mac", ("v1:test:" + "A".repeat(43)).getBytes(StandardCharsets.UTF_8));

		poll(List.of(this.topic.append(forged.unsigned(3)), this.topic.append(wrongMac)));

		assertThat(versionOf(history)).isEqualTo(2);
		assertThat(rejected("missing")).isEqualTo(1);
		assertThat(rejected("mismatch")).isEqualTo(1);
		assertThat(setAside()).isEmpty();

		poll(write(forged, 3));
		assertThat(this.view.member(history.id(), UserId.of(3)))
			.as("the signed event of version 3 is applied, not taken for a duplicate")
			.hasValueSatisfying((member) -> assertThat(member.role()).isEqualTo(Role.ADMINISTRATOR));
	}

	@Test
	void a_record_without_a_mac_that_could_not_even_be_read_sets_nothing_aside() {
		OrganizationHistory history = OrganizationHistory.created("Acme").joined(3, Role.ANNOTATOR);
		poll(writeAll(history));
		ProducerRecord<String, byte[]> unreadable = history.roleChanged(3, Role.ANNOTATOR, Role.ADMINISTRATOR)
			.unsigned(3);
		ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(unreadable.topic(), null, unreadable.key(),
				"{\"organization_id\":".getBytes(StandardCharsets.UTF_8), unreadable.headers());

		poll(List.of(this.topic.append(garbage)));

		assertThat(setAside()).isEmpty();
		assertThat(rejected("missing")).isEqualTo(1);
	}

	@Test
	void a_signed_record_that_cannot_be_read_and_names_no_organization_is_skipped_and_the_rest_applied() {
		// Longer than any organization id may be.
		OrganizationHistory history = OrganizationHistory.created("Acme");
		ProducerRecord<String, byte[]> shape = history.unsigned(1);
		ProducerRecord<String, byte[]> unreadable = OrganizationHistory.MAC.sign(new ProducerRecord<>(shape.topic(),
				null, "k".repeat(65), "{".getBytes(StandardCharsets.UTF_8), shape.headers()));

		poll(List.of(this.topic.append(unreadable)), writeAll(history));

		assertThat(setAside()).isEmpty();
		assertThat(versionOf(history)).isEqualTo(1);
		assertThat(positions()).isEqualTo(nonEmpty(this.topic));
	}

	@Test
	void an_unreachable_database_is_waited_out_not_blamed_on_an_organization() {
		OrganizationHistory history = OrganizationHistory.created("Acme").joined(2, Role.ANNOTATOR);
		poll(write(history, 1));
		plantMember(history, 2);
		this.databaseUnavailable = (failure) -> true;

		assertThatRuntimeException().isThrownBy(() -> poll(write(history, 2)));

		assertThat(this.seenAsUnavailable).isNotEmpty();
		assertThat(setAside()).isEmpty();
		assertThat(this.view.isSetAside(history.id())).isFalse();
		assertThat(positions()).as("the poll is read again once the database is back")
			.containsEntry(this.topic.all().get(0).partition(), 1L);
	}

	@Test
	void an_organization_a_rebuild_repaired_is_released_and_followed_again() {
		OrganizationHistory history = OrganizationHistory.created("Acme")
			.joined(2, Role.ADMINISTRATOR)
			.roleChanged(2, Role.ADMINISTRATOR, Role.MANAGER)
			.workspaceCreated("ws_later");
		poll(write(history, 1));
		plantMember(history, 2);
		poll(write(history, 2));
		assertThat(this.view.isSetAside(history.id())).isTrue();

		repairAsARebuildWould(history, 2);
		this.applier.releaseRepaired();

		assertThat(this.view.isSetAside(history.id())).isFalse();
		assertThat(this.view.version(history.id())).as("reloaded from the repaired tables").isEqualTo(2);

		poll(write(history, 3));
		assertThat(this.view.member(history.id(), UserId.of(2)))
			.hasValueSatisfying((member) -> assertThat(member.role()).isEqualTo(Role.MANAGER));
	}

	@Test
	void an_event_of_an_organization_released_by_a_rebuild_is_applied_even_before_the_periodic_release() {
		OrganizationHistory history = OrganizationHistory.created("Acme")
			.joined(2, Role.ADMINISTRATOR)
			.roleChanged(2, Role.ADMINISTRATOR, Role.MANAGER);
		poll(write(history, 1));
		plantMember(history, 2);
		poll(write(history, 2));

		repairAsARebuildWould(history, 2);
		poll(write(history, 3));

		assertThat(this.view.isSetAside(history.id())).isFalse();
		assertThat(versionOf(history)).isEqualTo(3);
		assertThat(this.view.member(history.id(), UserId.of(2)))
			.hasValueSatisfying((member) -> assertThat(member.role()).isEqualTo(Role.MANAGER));
	}

	/**
	 * What a rebuild leaves: the tables as a replay makes them (the planted row gone, the
	 * events up to this version applied) and the organization no longer set aside.
	 */
	private void repairAsARebuildWould(OrganizationHistory history, long upTo) {
		OrganizationId organization = history.id();
		this.jdbc.sql("DELETE FROM qs_members WHERE organization_id = ? AND version = 1 AND user_id <> ?")
			.params(organization.value(), OrganizationHistory.OWNER.value())
			.update();
		MembershipProjection projection = new MembershipProjection(this.jdbc);
		for (long version = 1; version <= upTo; version++) {
			projection.apply(history.projected(version));
		}
		this.jdbc.sql("DELETE FROM qs_quarantined_organizations WHERE organization_id = ?")
			.param(organization.value())
			.update();
	}

	private double rejected(String reason) {
		return this.meters.get("membership.query.records.rejected").tag("reason", reason).counter().count();
	}

	/**
	 * The end of every partition written to: where the positions are once all is read.
	 */
	private static Map<Integer, Long> nonEmpty(InMemoryTopic topic) {
		return topic.endOffsets()
			.entrySet()
			.stream()
			.filter((end) -> end.getValue() > 0)
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

}
