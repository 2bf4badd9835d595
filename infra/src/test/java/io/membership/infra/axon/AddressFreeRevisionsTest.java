package io.membership.infra.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.AddressKeptApart;
import io.membership.events.json.MembershipJson;
import io.membership.infra.support.RevisionOneFixtures;
import io.membership.infra.support.RevisionOneFixtures.Fixture;

/**
 * The revision-1 fixtures (the shapes the service stored before issue 17) through the
 * upcasters the event store reads with: each reads as its revision 2, everything but the
 * address as it was, the address gone.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AddressFreeRevisionsTest {

	private final Serializer serializer = AxonConfiguration.storedEventSerializer();

	private final EventUpcasterChain upcasters = new EventUpcasterChain(AddressFreeRevisions.upcasters());

	static List<Fixture> fixtures() {
		return RevisionOneFixtures.history();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixtures")
	void a_revision_1_event_reads_as_revision_2_without_its_address(Fixture fixture) {
		byte[] stored = fixture.bytes();
		JsonNode revision1 = MembershipJson.mapper().readTree(stored);
		assertThat(revision1.path(fixture.addressMember()).asString()).contains("@fixture.test");

		List<IntermediateEventRepresentation> upcast = this.upcasters.upcast(Stream.of(initial(fixture, stored)))
			.toList();

		assertThat(upcast).hasSize(1);
		IntermediateEventRepresentation revision2 = upcast.get(0);
		assertThat(revision2.getType().getName()).isEqualTo(fixture.type().getName());
		assertThat(revision2.getType().getRevision()).isEqualTo("2");
		ObjectNode expected = ((ObjectNode) revision1).deepCopy();
		expected.remove(fixture.addressMember());
		JsonNode payload = MembershipJson.mapper()
			.readTree(new String(revision2.getData(byte[].class).getData(), StandardCharsets.UTF_8));
		assertThat(payload).isEqualTo(expected);
		Object event = this.serializer.deserialize(revision2.getData());
		assertThat(event).isInstanceOf(fixture.type());
		assertThat(((AddressKeptApart) event).email()).isNull();
		// Everything it had reads back as it was (a member added to the type since, such
		// as
		// an invitation's projects, reads as its default).
		JsonNode written = MembershipJson.mapper().readTree(MembershipJson.mapper().writeValueAsBytes(event));
		expected.propertyNames()
			.forEach((member) -> assertThat(written.get(member)).as(member).isEqualTo(expected.get(member)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixtures")
	void a_revision_2_event_is_left_as_it_is(Fixture fixture) {
		ObjectNode revision2 = (ObjectNode) MembershipJson.mapper().readTree(fixture.bytes());
		revision2.remove(fixture.addressMember());
		byte[] stored = MembershipJson.mapper().writeValueAsBytes(revision2);
		GenericDomainEventEntry<byte[]> entry = new GenericDomainEventEntry<>("Organization",
				RevisionOneFixtures.ORGANIZATION, 0, "event-1", Instant.parse("2026-11-01T09:00:00Z"),
				fixture.type().getName(), "2", stored, "{}".getBytes(StandardCharsets.UTF_8));

		List<IntermediateEventRepresentation> upcast = this.upcasters
			.upcast(Stream.of(new InitialEventRepresentation(entry, this.serializer)))
			.toList();

		assertThat(upcast).singleElement()
			.satisfies(
					(representation) -> assertThat(representation.getData(byte[].class).getData()).isEqualTo(stored));
	}

	private IntermediateEventRepresentation initial(Fixture fixture, byte[] stored) {
		return new InitialEventRepresentation(new GenericDomainEventEntry<>("Organization",
				RevisionOneFixtures.ORGANIZATION, 0, "event-1", Instant.parse("2026-11-01T09:00:00Z"),
				fixture.type().getName(), "1", stored, "{}".getBytes(StandardCharsets.UTF_8)), this.serializer);
	}

}
