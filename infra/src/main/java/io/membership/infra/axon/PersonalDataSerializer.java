package io.membership.infra.axon;

import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;

import io.membership.audit.personal.PersonalData;
import io.membership.events.AddressKeptApart;

/**
 * The serializer of stored events, with the addresses kept apart put back (the
 * Forgettable Payloads pattern, as Axon's commercial GDPR module does it with field
 * annotations): the stored payload has no address (the events' {@code email} components
 * are never written to JSON), and reading an event that refers to one fills it in from
 * the personal data, or leaves it null once erased. So the Organization aggregate goes on
 * deciding {@code duplicate_email} and the like while no event row holds an address.
 * Writing the address is the event store's ({@link HashChainingStorageEngine}), in the
 * transaction that stores the event.
 */
public class PersonalDataSerializer implements Serializer {

	private final Serializer delegate;

	private final PersonalData personalData;

	public PersonalDataSerializer(Serializer delegate, PersonalData personalData) {
		this.delegate = delegate;
		this.personalData = personalData;
	}

	@Override
	public <S, T> T deserialize(SerializedObject<S> serializedObject) {
		T payload = this.delegate.deserialize(serializedObject);
		if (payload instanceof AddressKeptApart addressed && addressed.email() == null) {
			String email = this.personalData.email(addressed.personalDataKey()).orElse(null);
			if (email != null) {
				@SuppressWarnings("unchecked")
				T filled = (T) addressed.withEmail(email);
				return filled;
			}
		}
		return payload;
	}

	@Override
	public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
		return this.delegate.serialize(object, expectedRepresentation);
	}

	@Override
	public <T> boolean canSerializeTo(Class<T> expectedRepresentation) {
		return this.delegate.canSerializeTo(expectedRepresentation);
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Class classForType(SerializedType type) {
		return this.delegate.classForType(type);
	}

	@Override
	public SerializedType typeForClass(Class type) {
		return this.delegate.typeForClass(type);
	}

	@Override
	public Converter getConverter() {
		return this.delegate.getConverter();
	}

}
