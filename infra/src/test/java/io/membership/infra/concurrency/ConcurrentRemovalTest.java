package io.membership.infra.concurrency;

import static io.membership.infra.concurrency.Races.auditExport;
import static io.membership.infra.concurrency.Races.race;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.MemberRemoved;
import io.membership.events.MemberRoleChanged;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.infra.concurrency.Races.Outcome;
import io.membership.infra.concurrency.Races.Request;
import io.membership.infra.concurrency.Races.Stored;
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.AnotherInstance;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;

/**
 * A member removed while their role is changed, they are added to a project and assigned
 * to a workspace, all sent at once over HTTP, round after round, each round about a new
 * member. Afterwards the stored history (the audit export), the query side's views and
 * the roles topic agree: the removal is the member's last event, every command about them
 * that was accepted was decided before it and every one after it was refused as about a
 * non-member, storing nothing; the views and the topic show no removed member with a
 * role, a workspace or a project. Two more tests decide a command here after another
 * instance (its own event store engine and chain writer on the same database) stored the
 * conflicting one, while this instance still holds the organization as it was.
 */
@PostgresServiceTest
class ConcurrentRemovalTest {

	private static final int ROUNDS = 16;

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	DataSource dataSource;

	@Autowired
	TransactionManager axonTransactions;

	@Autowired
	Serializer serializer;

	@Autowired
	@Qualifier("eventSerializer")
	Serializer eventSerializer;

	@Test
	@Timeout(value = 180, unit = TimeUnit.SECONDS)
	void a_member_removed_while_other_commands_about_them_run_is_removed_last_or_the_others_were_refused()
			throws Exception {
		TestOrganization org = TestOrganization.create(this.port);
		Member admin = org.join("AD");
		String workspace = org.createWorkspace("Images");
		String other = org.createWorkspace("Audio");
		org.recorded(org.owner()
			.send("PUT", org.path() + "/projects/cats", "{\"workspace_id\":\"" + workspace + "\",\"title\":\"Cats\"}"));

		// Every round's member first: once the races begin, the version moves under the
		// helper's feet.
		List<Member> removed = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			Member victim = org.join("AN");
			org.recorded(org.owner()
				.post(org.path() + "/workspaces/" + workspace + "/memberships",
						"{\"user_id\":" + victim.userId() + "}"));
			removed.add(victim);
		}
		List<Outcome> outcomes = new ArrayList<>();
		Random random = new Random(17);
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			for (int round = 0; round < ROUNDS; round++) {
				Member victim = removed.get(round);
				String member = org.path() + "/memberships/" + victim.userId();
				List<Request> requests = new ArrayList<>(List.of(
						new Request("the Administrator removes the member", admin.client(), "DELETE", member, null),
						new Request("the Owner makes the member a Reviewer", org.owner(), "POST", member + "/role",
								"{\"role\":\"RE\"}"),
						new Request("the Owner adds the member to the project", org.owner(), "POST",
								org.path() + "/projects/cats/members",
								"{\"user_id\":" + victim.userId() + ",\"role\":\"AN\"}"),
						new Request("the Administrator assigns the member to another workspace", admin.client(), "POST",
								org.path() + "/workspaces/" + other + "/memberships",
								"{\"user_id\":" + victim.userId() + "}")));
				Collections.shuffle(requests, random);
				outcomes.addAll(race(pool, requests, round));
			}
		}
		finally {
			pool.shutdownNow();
		}

		List<Stored> history = auditExport(org);
		long lastVersion = history.get(history.size() - 1).version();

		assertEveryAnswerMatchesTheStore(outcomes, history);
		assertTheRemovalIsEachMembersLastEvent(removed, history);
		assertTheRunWasContended(outcomes);
		assertTheRolesTopicEndsEachRemovedMemberWithATombstone(org, removed);
		assertTheViewsShowNoRemovedMember(org, removed, lastVersion);
	}

	/**
	 * Another instance removes the member first; this one still holds the organization as
	 * it was before (cached) when it is asked to change the member's role. The event
	 * store's unique key refuses its write, it decides again on the stored history, and
	 * the member it would change is no member: 404, nothing stored.
	 */
	@Test
	void a_role_change_decided_here_after_another_instance_removed_the_member_is_refused() {
		TestOrganization org = TestOrganization.create(this.port);
		Member anna = org.join("AN");
		long removal = org.version() + 1;

		anotherInstance().appendEvents(List.of(onAnotherInstance(org, removal,
				new MemberRemoved(new OrganizationId(org.id()), UserId.of(anna.userId()), Role.ANNOTATOR,
						UserId.of(org.ownerId()), Instant.now(), "removed-elsewhere"))));
		Answer changed = org.owner().post(org.path() + "/memberships/" + anna.userId() + "/role", "{\"role\":\"RE\"}");

		assertThat(changed.status()).as(changed.toString()).isEqualTo(404);
		assertThat(changed.code()).isEqualTo("member_not_found");
		List<Stored> history = auditExport(org);
		assertThat(history).hasSize((int) removal);
		assertThat(history.get(history.size() - 1).type()).isEqualTo("MemberRemoved");
		assertTheRolesTopicEndsEachRemovedMemberWithATombstone(org, List.of(anna));
		assertTheViewsShowNoRemovedMember(org, List.of(anna), removal);
	}

	/**
	 * Another instance changes the member's role first; the removal decided here after it
	 * records the role the member had by then, and is their last event.
	 */
	@Test
	void a_removal_decided_here_after_another_instance_changed_the_role_removes_the_member_with_that_role() {
		TestOrganization org = TestOrganization.create(this.port);
		Member anna = org.join("AN");
		long change = org.version() + 1;

		anotherInstance().appendEvents(List.of(onAnotherInstance(org, change,
				new MemberRoleChanged(new OrganizationId(org.id()), UserId.of(anna.userId()), Role.ANNOTATOR,
						Role.REVIEWER, null, UserId.of(org.ownerId()), Instant.now(), "changed-elsewhere"))));
		Answer removed = org.owner().delete(org.path() + "/memberships/" + anna.userId());

		assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
		assertThat(removed.json().path("version").asLong()).isEqualTo(change + 1);
		List<Stored> history = auditExport(org);
		Stored last = history.get(history.size() - 1);
		assertThat(last.type()).isEqualTo("MemberRemoved");
		assertThat(last.payload().path("from_role").asString()).isEqualTo("RE");
		assertTheRolesTopicEndsEachRemovedMemberWithATombstone(org, List.of(anna));
		assertTheViewsShowNoRemovedMember(org, List.of(anna), change + 1);
	}

	/**
	 * An event at {@code version} as the other instance's aggregate would have applied
	 * it.
	 */
	private static <T> GenericDomainEventMessage<T> onAnotherInstance(TestOrganization org, long version, T event) {
		return new GenericDomainEventMessage<>("Organization", org.id(), version - 1, event);
	}

	private EventStorageEngine anotherInstance() {
		return AnotherInstance.eventStore(this.dataSource, this.serializer, this.eventSerializer,
				this.axonTransactions);
	}

	/**
	 * Every removal was accepted; every other request was accepted or refused as about a
	 * user who is no member (404 {@code member_not_found}); an accepted request stored
	 * the one event of the version it answered, a refused one nothing.
	 */
	private static void assertEveryAnswerMatchesTheStore(List<Outcome> outcomes, List<Stored> history) {
		assertThat(outcomes).hasSize(ROUNDS * 4);
		Map<String, List<Stored>> byCorrelation = history.stream()
			.collect(Collectors.groupingBy(Stored::correlationId));
		for (Outcome outcome : outcomes) {
			List<Stored> recorded = byCorrelation.getOrDefault(outcome.correlationId(), List.of());
			if (outcome.description().contains("removes")) {
				assertThat(outcome.status()).as(outcome.toString()).isEqualTo(200);
			}
			if (!outcome.accepted()) {
				assertThat(outcome.status()).as(outcome.toString()).isEqualTo(404);
				assertThat(outcome.code()).as(outcome.toString()).isEqualTo("member_not_found");
				assertThat(recorded).as("a refused request stores nothing: " + outcome).isEmpty();
				continue;
			}
			assertThat(recorded).as(outcome.toString()).hasSize(1);
			assertThat(recorded.get(0).version()).as("the answered version is the stored event: " + outcome)
				.isEqualTo(outcome.version());
		}
	}

	/** Nothing about a removed member was stored after their removal. */
	private static void assertTheRemovalIsEachMembersLastEvent(List<Member> removed, List<Stored> history) {
		for (Member member : removed) {
			List<Stored> about = history.stream()
				.filter((stored) -> stored.payload().path("user_id").asLong() == member.userId())
				.toList();
			assertThat(about).as("events about " + member.userId()).isNotEmpty();
			assertThat(about.get(about.size() - 1).type()).as("the last event about " + member.userId() + ": " + about)
				.isEqualTo("MemberRemoved");
			assertThat(about.stream().filter((stored) -> stored.type().equals("MemberRemoved"))).hasSize(1);
		}
	}

	/**
	 * The test says something only if the races went both ways: some commands were
	 * decided before the removal and some after it.
	 */
	private static void assertTheRunWasContended(List<Outcome> outcomes) {
		List<Outcome> others = outcomes.stream()
			.filter((outcome) -> !outcome.description().contains("removes"))
			.toList();
		assertThat(others).as(outcomes.toString()).anyMatch(Outcome::accepted);
		assertThat(others).as(outcomes.toString()).anyMatch((outcome) -> !outcome.accepted());
	}

	/**
	 * The query side at the last version: no removed member in the list, checked as a
	 * member, in a workspace or a project; the publisher's stored states have none of
	 * them.
	 */
	private void assertTheViewsShowNoRemovedMember(TestOrganization org, List<Member> removed, long lastVersion) {
		Answer list = org.owner().get(org.path() + "/memberships?page_size=100&min_version=" + lastVersion);
		assertThat(list.status()).as(list.toString()).isEqualTo(200);
		Set<Long> listed = new HashSet<>();
		list.json().path("results").forEach((member) -> listed.add(member.path("user_id").asLong()));
		Set<Long> removedIds = removed.stream().map(Member::userId).collect(Collectors.toSet());
		assertThat(listed).doesNotContainAnyElementsOf(removedIds);
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		for (String table : List.of("qs_members", "qs_member_workspaces", "qs_project_members",
				"published_member_roles")) {
			assertThat(usersIn(jdbc, table, org, removedIds)).as(table).doesNotContainAnyElementsOf(removedIds);
		}
		for (Member member : removed) {
			Answer check = org.owner()
				.get(org.path() + "/permissions/check?user_id=" + member.userId()
						+ "&action=project_read&project_id=cats&min_version=" + lastVersion);
			assertThat(check.status()).as(check.toString()).isEqualTo(404);
		}
		Answer subjects = org.owner()
			.get(org.path() + "/permissions/subjects?action=view_annotator_dashboard&min_version=" + lastVersion);
		assertThat(subjects.status()).as(subjects.toString()).isEqualTo(200);
		assertThat(subjects.json()).isEmpty();
	}

	/**
	 * The users with a row in the table for the organization. The publisher's stored
	 * states commit just after Kafka acknowledged the records they go with, so the table
	 * is read again while it still has a removed member, for a few moments at most.
	 */
	private static List<Long> usersIn(JdbcClient jdbc, String table, TestOrganization org, Set<Long> removed) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		List<Long> users;
		do {
			users = jdbc.sql("SELECT user_id FROM " + table + " WHERE organization_id = ?")
				.param(org.id())
				.query(Long.class)
				.list();
		}
		while (users.stream().anyMatch(removed::contains) && System.nanoTime() < deadline);
		return users;
	}

	/** On the compacted topic, each removed member's latest record is a tombstone. */
	private void assertTheRolesTopicEndsEachRemovedMemberWithATombstone(TestOrganization org, List<Member> removed) {
		Set<String> keys = removed.stream()
			.map((member) -> org.id() + ":" + member.userId())
			.collect(Collectors.toSet());
		try (TopicReader reader = TopicReader.fromBeginning(this.broker.bootstrapServers(), MembershipTopics.ROLES)) {
			List<ConsumerRecord<String, byte[]>> records = reader.readUntil(
					(read) -> keys.stream().allMatch((key) -> TopicReader.latestIsTombstone(read, key)),
					Duration.ofSeconds(60));
			for (String key : keys) {
				assertThat(TopicReader.latestIsTombstone(records, key)).as("the latest record of " + key).isTrue();
			}
		}
	}

}
