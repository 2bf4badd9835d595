package io.membership.command.organization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.snapshotting.SnapshotFilter;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.MemberAddedToProject;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.UserInvited;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.ProjectId;

/**
 * A snapshot is the aggregate serialized by Axon's Jackson 3 serializer; what is read
 * back must be the same organization, or a cold load after a snapshot would decide
 * differently.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OrganizationSnapshotTest {

	private static final String TYPE = "Organization";

	private final Jackson3Serializer serializer = Jackson3Serializer.builder().build();

	private static final AggregateModel<Organization> MODEL = AnnotatedAggregateMetaModelFactory
		.inspectAggregate(Organization.class);

	@Test
	void an_organization_reads_back_from_its_snapshot_with_every_member_workspace_and_invitation() {
		Organization original = replay(OrganizationFixture.cast());

		SerializedObject<byte[]> snapshot = this.serializer.serialize(original, byte[].class);
		Organization restored = this.serializer.deserialize(snapshot);

		assertThat(restored).usingRecursiveComparison().isEqualTo(original);
	}

	@Test
	void an_organization_reads_back_from_its_snapshot_with_its_projects_and_project_memberships() {
		List<Object> history = new ArrayList<>(List.of(OrganizationFixture.cast()));
		history.add(new ProjectRegistered(OrganizationFixture.ORG, new ProjectId("1"), OrganizationFixture.MANAGED_WS,
				"One", true, OrganizationFixture.ADMIN, OrganizationFixture.NOW, "c"));
		history.add(new ProjectRegistered(OrganizationFixture.ORG, new ProjectId("2"), OrganizationFixture.OTHER_WS,
				"Two", false, OrganizationFixture.ADMIN, OrganizationFixture.NOW, "c"));
		history.add(new MemberAddedToProject(OrganizationFixture.ORG, new ProjectId("1"), OrganizationFixture.ANNOTATOR,
				Role.REVIEWER, null, OrganizationFixture.ADMIN, OrganizationFixture.NOW, "c"));
		history.add(new MemberAddedToProject(OrganizationFixture.ORG, new ProjectId("1"), OrganizationFixture.MANAGER,
				null, null, OrganizationFixture.ADMIN, OrganizationFixture.NOW, "c"));
		history.add(new ProjectRemoved(OrganizationFixture.ORG, new ProjectId("2"), OrganizationFixture.OTHER_WS,
				OrganizationFixture.ADMIN, OrganizationFixture.NOW, "c"));
		Organization original = replay(history.toArray());

		Organization restored = this.serializer.deserialize(this.serializer.serialize(original, byte[].class));

		assertThat(restored).usingRecursiveComparison().isEqualTo(original);
	}

	/**
	 * Revision 2 snapshots taken before projects existed have neither the projects nor
	 * the members' project memberships; no project event came before them, so they read
	 * as an organization without projects and stay valid.
	 */
	@Test
	void a_snapshot_taken_before_projects_reads_as_an_organization_without_projects() {
		Organization original = replay(OrganizationFixture.cast());
		ObjectNode json = (ObjectNode) JsonMapper.builder()
			.build()
			.readTree(this.serializer.serialize(original, byte[].class).getData());
		json.remove("projects");
		json.path("members").forEach((member) -> ((ObjectNode) member).remove("projects"));
		SerializedObject<byte[]> old = new SimpleSerializedObject<>(json.toString().getBytes(StandardCharsets.UTF_8),
				byte[].class, Organization.class.getName(), "2");

		Organization restored = this.serializer.deserialize(old);

		assertThat(restored).usingRecursiveComparison().isEqualTo(original);
	}

	/**
	 * The index is derived data: rebuilt from the members when a snapshot is read, so it
	 * follows the rules of comparison in force, never those of the day it was taken.
	 */
	@Test
	void a_snapshot_holds_the_members_as_given_and_not_their_email_index() {
		SerializedObject<byte[]> snapshot = this.serializer.serialize(replay(OrganizationFixture.cast()), byte[].class);

		JsonNode json = JsonMapper.builder().build().readTree(snapshot.getData());
		assertThat(json.path("members").isArray()).as(json.toString()).isTrue();
		assertThat(json.path("members").get(0).path("email").asString()).isEqualTo("owner@acme.test");
		assertThat(json.toString()).doesNotContain("memberIdsByEmail").doesNotContain("Skeleton");
	}

	@Test
	void an_organization_read_from_its_snapshot_refuses_the_owners_email() {
		Organization restored = this.serializer
			.deserialize(this.serializer.serialize(replay(OrganizationFixture.cast()), byte[].class));

		assertThatThrownBy(() -> decide(restored, OrganizationFixture.CAST_VERSION,
				new InviteUserCommand(OrganizationFixture.ORG, new InvitationId("inv_owner"), "OWNER@acme.test", null,
						Set.of(), OrganizationFixture.NOW.plus(Duration.ofDays(7)), OrganizationFixture.ADMIN, "c",
						null)))
			.isInstanceOfSatisfying(CommandRefusedException.class,
					(refused) -> assertThat(refused.refusal()).isEqualTo(Refusal.ALREADY_MEMBER));
	}

	@Test
	void a_snapshot_carries_the_revision_of_the_aggregates_shape() {
		SerializedObject<byte[]> snapshot = this.serializer.serialize(replay(OrganizationFixture.cast()), byte[].class);

		assertThat(snapshot.getType().getRevision()).isEqualTo("2");
		assertThat(snapshotFilter().allow(snapshotData(snapshot.getType().getName(), "2", snapshot.getData())))
			.isTrue();
	}

	/**
	 * Snapshots taken before the members became a value of their own had no revision, a
	 * map of members and an e-mail index without the Owner in it. Axon's snapshot filter
	 * for the aggregate passes over them, so such an organization is rebuilt from its
	 * events, which are unchanged.
	 */
	@Test
	void a_snapshot_of_the_shape_before_the_members_value_is_passed_over() throws IOException {
		byte[] unversioned;
		try (InputStream in = getClass().getResourceAsStream("/snapshots/Organization.unversioned.json")) {
			unversioned = in.readAllBytes();
		}

		assertThat(snapshotFilter().allow(snapshotData(Organization.class.getName(), null, unversioned))).isFalse();
	}

	private static SnapshotFilter snapshotFilter() {
		Configuration configuration = DefaultConfigurer.defaultConfiguration(false)
			.configureAggregate(Organization.class)
			.buildConfiguration();
		return configuration.snapshotFilter();
	}

	private static DomainEventData<byte[]> snapshotData(String payloadType, String revision, byte[] payload) {
		return new GenericDomainEventEntry<>(TYPE, OrganizationFixture.ORG.value(),
				OrganizationFixture.CAST_VERSION - 1, "snapshot-1", OrganizationFixture.NOW, payloadType, revision,
				payload, "{}".getBytes());
	}

	/** Decides a command on an aggregate as Axon loads it from a snapshot. */
	private static Object decide(Organization restored, long version, Object command) throws Exception {
		EventSourcedAggregate<Organization> aggregate = EventSourcedAggregate.initialize(restored, MODEL, null,
				NoSnapshotTriggerDefinition.TRIGGER);
		aggregate.initializeState(DomainEventStream
			.of(new GenericDomainEventMessage<>(TYPE, OrganizationFixture.ORG.value(), version - 1, restored)));
		return aggregate.handle(GenericCommandMessage.asCommandMessage(command));
	}

	private static Organization replay(Object[] events) {
		List<Object> history = new ArrayList<>(List.of(events));
		history.add(new UserInvited(OrganizationFixture.ORG, new InvitationId("inv_x"), "x@acme.test", Role.MANAGER,
				Set.of(OrganizationFixture.MANAGED_WS), OrganizationFixture.NOW, OrganizationFixture.ADMIN,
				OrganizationFixture.NOW, "c"));
		List<DomainEventMessage<?>> messages = new ArrayList<>();
		for (int sequence = 0; sequence < history.size(); sequence++) {
			messages.add(new GenericDomainEventMessage<>(TYPE, OrganizationFixture.ORG.value(), sequence,
					history.get(sequence)));
		}
		Organization organization = new Organization();
		EventSourcedAggregate<Organization> aggregate = EventSourcedAggregate.initialize(organization, MODEL, null,
				NoSnapshotTriggerDefinition.TRIGGER);
		aggregate.initializeState(DomainEventStream.of(messages));
		return organization;
	}

}
