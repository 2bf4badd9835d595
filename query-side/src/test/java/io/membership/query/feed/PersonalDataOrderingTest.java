package io.membership.query.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.UserId;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.OrganizationQuarantine;
import io.membership.query.projection.PersonalDataProjection;
import io.membership.query.read.MemberReads;
import io.membership.query.read.MemberReads.MemberRecord;
import io.membership.query.read.Timelines;
import io.membership.query.rebuild.ScratchDatabase;
import io.membership.query.support.InMemoryTopic;
import io.membership.query.support.OrganizationHistory;
import io.membership.query.support.PersonalDataTopic;
import io.membership.query.view.PermissionView;
import io.membership.topics.MembershipTopics;

/**
 * The publisher has an address acknowledged on {@value MembershipTopics#PERSONAL_DATA}
 * before it sends the event that first refers to it; the consumer makes that worth
 * something by reading the personal-data topic up to its end before it applies a poll
 * that names a key it has never heard of. So whoever reads with {@code min_version} after
 * an invitation or a join sees the address, however the two topics' polls interleave; and
 * a poll that names only known keys (or none) costs no round trip to Kafka.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PersonalDataOrderingTest {

	private final ScratchDatabase database = new ScratchDatabase();

	private final JdbcClient jdbc = JdbcClient.create(this.database.dataSource());

	private final TransactionTemplate transactions = new TransactionTemplate(
			new DataSourceTransactionManager(this.database.dataSource()));

	private final AuthenticRecords authenticity = new AuthenticRecords(OrganizationHistory.MAC,
			new SimpleMeterRegistry());

	private final InMemoryTopic events = new InMemoryTopic(3);

	private final InMemoryTopic personalData = new InMemoryTopic(MembershipTopics.PERSONAL_DATA, 2);

	private final PermissionView view = new PermissionView(this.jdbc, new Timelines(this.jdbc));

	private final PersonalDataFeed feed = new PersonalDataFeed(this.personalData.consumer(),
			new PersonalDataProjection(this.jdbc), this.transactions, this.authenticity,
			new ConsumerPositions(this.jdbc, "query-side", MembershipTopics.PERSONAL_DATA));

	private final PollApplier applier = new PollApplier(new MembershipProjection(this.jdbc),
			new OrganizationQuarantine(this.jdbc), this.view, new ConsumerPositions(this.jdbc, "query-side"),
			this.transactions, this.authenticity, (failure) -> false, this.feed::ensureKnown,
			new PartitionLanes(1, "query-projection-lane"));

	private final InvitationId ann = new InvitationId("inv_ann");

	private final OrganizationHistory acme = OrganizationHistory.created("Acme")
		.invited(this.ann, "ann@acme.test", Role.ANNOTATOR)
		.joinedByInvitation(2, this.ann, "ann@acme.test", Role.ANNOTATOR);

	PersonalDataOrderingTest() {
		this.view.loadAll();
	}

	@AfterEach
	void close() {
		this.feed.close();
		this.database.close();
	}

	/** The publisher: the address acknowledged first, then the event. */
	private ConsumerRecord<String, byte[]> publish(long version) {
		this.personalData.appendAll(this.acme.personalDataRecords(version)
			.subList(this.acme.personalDataRecords(version - 1).size(), this.acme.personalDataRecords(version).size()));
		return this.events.append(this.acme.record(version));
	}

	private MemberRecord member(long user) {
		return new MemberReads(this.jdbc, new Timelines(this.jdbc)).current(this.acme.id(), UserId.of(user))
			.orElseThrow();
	}

	private String address(String key) {
		return this.jdbc.sql("SELECT email FROM qs_personal_data WHERE data_key = ?")
			.param(key)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	@Test
	void an_event_polled_before_the_personal_data_topic_was_read_is_applied_with_its_address() {
		ConsumerRecord<String, byte[]> created = publish(1);

		this.applier.apply(InMemoryTopic.poll(List.of(created)));

		assertThat(member(1).email()).isEqualTo("owner@acme.test");
		assertThat(member(1).erased()).isFalse();
		assertThat(this.personalData.endOffsetRequests()).as("one read to the end, for the unknown key").isOne();
	}

	@Test
	void every_interleaving_of_the_two_topics_shows_every_address_once_its_event_is_applied() {
		ConsumerRecord<String, byte[]> created = publish(1);
		this.feed.poll();
		this.applier.apply(InMemoryTopic.poll(List.of(created)));
		ConsumerRecord<String, byte[]> invited = publish(2);
		ConsumerRecord<String, byte[]> joined = publish(3);
		// The personal-data topic's poll has not reached the invitation's and the join's
		// addresses yet: the events' poll reads them first.
		this.applier.apply(InMemoryTopic.poll(List.of(invited, joined)));

		assertThat(address("invitation:inv_ann")).isEqualTo("ann@acme.test");
		assertThat(member(2).email()).isEqualTo("ann@acme.test");
		assertThat(new ConsumerPositions(this.jdbc, "query-side", MembershipTopics.PERSONAL_DATA).stored()
			.values()
			.stream()
			.mapToLong(Long::longValue)
			.sum()).as("the positions in the personal-data topic are kept with the table").isEqualTo(3);
	}

	@Test
	void a_poll_that_names_only_known_keys_costs_no_round_trip_to_kafka() {
		this.applier.apply(InMemoryTopic.poll(List.of(publish(1), publish(2), publish(3))));
		int afterTheAddresses = this.personalData.endOffsetRequests();

		OrganizationHistory later = this.acme.roleChanged(2, Role.ANNOTATOR, Role.REVIEWER);
		this.applier.apply(InMemoryTopic.poll(List.of(this.events.append(later.record(4)))));

		assertThat(afterTheAddresses).isOne();
		assertThat(this.personalData.endOffsetRequests()).as("a role change names no address")
			.isEqualTo(afterTheAddresses);
	}

	@Test
	void an_owner_without_an_address_is_applied_after_one_read_to_the_end_and_shows_none() {
		OrganizationHistory globex = OrganizationHistory.created("Globex", null);
		this.applier.apply(InMemoryTopic.poll(List.of(this.events.append(globex.record(1)))));

		MemberRecord owner = new MemberReads(this.jdbc, new Timelines(this.jdbc))
			.current(globex.id(), OrganizationHistory.OWNER)
			.orElseThrow();
		assertThat(owner.email()).isNull();
		assertThat(owner.erased()).isFalse();
		assertThat(this.personalData.endOffsetRequests()).isOne();
	}

	@Test
	void a_tombstone_read_before_the_erasure_event_and_an_erasure_before_the_tombstone_end_alike() {
		this.applier.apply(InMemoryTopic.poll(List.of(publish(1), publish(2), publish(3))));
		OrganizationHistory erased = this.acme.erased(2, this.ann);
		Instant at = erased.occurredAt(4);
		this.personalData.append(PersonalDataTopic.tombstone("user:2", at.plusMillis(5)));
		this.feed.poll();

		assertThat(member(2).email()).as("the tombstone alone erases").isNull();
		assertThat(member(2).erased()).isTrue();
		assertThat(address("invitation:inv_ann")).as("not yet: its tombstone has not come").isEqualTo("ann@acme.test");

		this.applier.apply(InMemoryTopic.poll(List.of(this.events.append(erased.record(4)))));

		assertThat(address("invitation:inv_ann")).as("the event erases every key it lists").isNull();
		assertThat(
				this.jdbc.sql("SELECT data_key, erased FROM qs_personal_data ORDER BY data_key").query().listOfRows())
			.extracting((row) -> row.values().stream().toList())
			.containsExactly(List.of("invitation:inv_ann", true), List.of("user:1", false), List.of("user:2", true));
		assertThat(this.jdbc.sql("SELECT erased_at FROM qs_personal_data WHERE data_key = 'user:2'")
			.query(java.time.OffsetDateTime.class)
			.single()
			.toInstant()).as("the earliest erasure known").isEqualTo(at);
		assertThat(new Timelines(this.jdbc).versionOf(this.acme.id())).isEqualTo(4);
		assertThat(member(2).role()).as("roles are untouched").isEqualTo(Role.ANNOTATOR);
	}

	@Test
	void positions_past_the_end_of_a_topic_written_anew_read_it_again_from_its_start() {
		ConsumerPositions positions = new ConsumerPositions(this.jdbc, "query-side", MembershipTopics.PERSONAL_DATA);
		this.transactions.executeWithoutResult((status) -> {
			positions.store(new org.apache.kafka.common.TopicPartition(MembershipTopics.PERSONAL_DATA, 0), 100);
			positions.store(new org.apache.kafka.common.TopicPartition(MembershipTopics.PERSONAL_DATA, 1), 100);
		});
		ConsumerRecord<String, byte[]> created = publish(1);

		this.applier.apply(InMemoryTopic.poll(List.of(created)));

		assertThat(member(1).email()).isEqualTo("owner@acme.test");
	}

}
