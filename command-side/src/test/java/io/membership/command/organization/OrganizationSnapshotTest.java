package io.membership.command.organization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.UserInvited;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;

/**
 * A snapshot is the aggregate serialized by Axon's Jackson 3 serializer; what is read
 * back must be the same organization, or a cold load after a snapshot would decide
 * differently.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OrganizationSnapshotTest {

	@Test
	void an_organization_reads_back_from_its_snapshot_with_every_member_workspace_and_invitation() {
		Organization original = replay(OrganizationFixture.cast());
		Jackson3Serializer serializer = Jackson3Serializer.builder().build();

		SerializedObject<byte[]> snapshot = serializer.serialize(original, byte[].class);
		Organization restored = serializer.deserialize(snapshot);

		assertThat(restored).usingRecursiveComparison().isEqualTo(original);
	}

	private static Organization replay(Object[] events) {
		List<Object> history = new ArrayList<>(List.of(events));
		history.add(new UserInvited(OrganizationFixture.ORG, new InvitationId("inv_x"), "x@acme.test", Role.MANAGER,
				Set.of(OrganizationFixture.MANAGED_WS), OrganizationFixture.NOW, OrganizationFixture.ADMIN,
				OrganizationFixture.NOW, "c"));
		List<DomainEventMessage<?>> messages = new ArrayList<>();
		for (int sequence = 0; sequence < history.size(); sequence++) {
			messages.add(new GenericDomainEventMessage<>("Organization", OrganizationFixture.ORG.value(), sequence,
					history.get(sequence)));
		}
		Organization organization = new Organization();
		EventSourcedAggregate<Organization> aggregate = EventSourcedAggregate.initialize(organization,
				AnnotatedAggregateMetaModelFactory.inspectAggregate(Organization.class), null,
				NoSnapshotTriggerDefinition.TRIGGER);
		aggregate.initializeState(DomainEventStream.of(messages));
		return organization;
	}

}
