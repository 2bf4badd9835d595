package io.membership.events.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import org.axonframework.serialization.Revision;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import io.membership.events.MembershipEvent;

/**
 * The contract files as a subscriber gets them: from the events jar's classpath
 * ({@code /schemas/<EventName>.v<revision>.schema.json}, {@code /asyncapi.yaml}),
 * validated by a JSON Schema draft 2020-12 validator that also asserts formats
 * ({@code date-time}, {@code idn-email}), which the draft leaves to annotation by
 * default.
 */
final class PublishedSchemas {

	static final String ROLE_STATE = "MemberRoleState";

	static final String PERSONAL_DATA = "PersonalData";

	private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
			Dialect.builder(Dialects.getDraft202012()).format(new IdnEmailFormat()).build(), (builder) -> builder
				.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

	private PublishedSchemas() {
	}

	/**
	 * An event's schema file is named by its published version (its {@code @Revision});
	 * the other records' schemas are at version 1.
	 */
	static String resource(String typeName) {
		int version = MembershipEvent.typeNamed(typeName)
			.map((type) -> Integer.parseInt(type.getAnnotation(Revision.class).value()))
			.orElse(1);
		return "schemas/" + typeName + ".v" + version + ".schema.json";
	}

	static Schema schemaOf(String typeName) {
		return REGISTRY.getSchema(SchemaLocation.of("classpath:" + resource(typeName)));
	}

	static List<Error> validate(String typeName, JsonNode body) {
		return schemaOf(typeName).validate(body);
	}

	/** The 2020-12 meta-schema, from the validator's own copy. */
	static Schema metaSchema() {
		return REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
	}

	static JsonNode schemaDocument(String typeName) {
		return JsonMapper.shared().readTree(read(resource(typeName)));
	}

	static JsonNode asyncApiDocument() {
		return YAMLMapper.shared().readTree(read("asyncapi.yaml"));
	}

	static byte[] read(String resource) {
		try (InputStream in = PublishedSchemas.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("No " + resource + " on the classpath");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static boolean exists(String resource) {
		return PublishedSchemas.class.getClassLoader().getResource(resource) != null;
	}

}
