package io.membership.infra.axon;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.AddressKeptApart;

/**
 * The upcasters from revision 1 to 2 of the four events that carried an e-mail address:
 * revision 2 is revision 1 without it ({@code email}, or {@code owner_email} for
 * OrganizationCreated). Whatever reads the event store through Axon (the aggregates, the
 * publisher, {@code republish}) reads a revision-1 row as revision 2; the address itself
 * is taken from the personal data, which the one-time migration
 * ({@link PersonalDataMigration}) filled from those rows before it rewrote them.
 */
public final class AddressFreeRevisions {

	private AddressFreeRevisions() {
	}

	/** One upcaster per event, each dropping the address member of revision 1. */
	public static List<EventUpcaster> upcasters() {
		return AddressKeptApart.REVISION_1_ADDRESS_MEMBERS.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey(Comparator.comparing(Class::getSimpleName)))
			.map((entry) -> (EventUpcaster) new DropAddress(entry.getKey(), entry.getValue()))
			.toList();
	}

	static final class DropAddress extends SingleEventUpcaster {

		private final SimpleSerializedType revision1;

		private final SimpleSerializedType revision2;

		private final String member;

		DropAddress(Class<?> event, String member) {
			this.revision1 = new SimpleSerializedType(event.getName(), "1");
			this.revision2 = new SimpleSerializedType(event.getName(), "2");
			this.member = member;
		}

		@Override
		protected boolean canUpcast(IntermediateEventRepresentation representation) {
			return this.revision1.equals(representation.getType());
		}

		@Override
		protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
			return representation.upcastPayload(this.revision2, ObjectNode.class, (payload) -> {
				payload.remove(this.member);
				return payload;
			});
		}

	}

}
