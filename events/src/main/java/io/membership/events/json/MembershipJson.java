package io.membership.events.json;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON shape of the published language: snake_case properties as in Label
 * Studio's API, RFC 3339 times, ids as bare values. The event store, Kafka and the tests
 * all use this mapper, so what is stored is byte for byte what subscribers read.
 */
public final class MembershipJson {

	private static final JsonMapper MAPPER = configure(JsonMapper.builder()).build();

	private MembershipJson() {
	}

	/**
	 * Applies the published JSON shape to a mapper builder, for serializers that build
	 * their own mapper (Axon's event serializer).
	 */
	public static JsonMapper.Builder configure(JsonMapper.Builder builder) {
		return builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			// Tolerant reader: a subscriber on an older version ignores fields added
			// later.
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
	}

	/** A shared, immutable and thread-safe mapper. */
	public static JsonMapper mapper() {
		return MAPPER;
	}

}
