package io.membership.events.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.MembershipEvent;
import io.membership.events.SampleEvents;

/**
 * The AsyncAPI document ({@code /asyncapi.yaml} in the events jar) describes both topics
 * of API.md's "Kafka" section, references a schema for every event type and lists every
 * CloudEvents header the publisher writes.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class AsyncApiDocumentTest {

	/**
	 * {@code ce_actorid} is not among them: a PersonalDataErased a service principal
	 * asked for has no actor user id.
	 */
	static final List<String> REQUIRED_HEADERS = List.of("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time",
			"content-type", "ce_orgversion", "ce_correlationid");

	private final JsonNode document = PublishedSchemas.asyncApiDocument();

	static Stream<MembershipEvent> everyEvent() {
		return SampleEvents.all().stream();
	}

	@Test
	void the_document_parses_as_yaml_and_declares_asyncapi_3_0_0() {
		assertThat(this.document.path("asyncapi").isString()).isTrue();
		assertThat(this.document.path("asyncapi").asString()).isEqualTo("3.0.0");
		assertThat(this.document.path("info").path("version").asString()).isNotBlank();
	}

	@Test
	void it_describes_every_topic_the_service_publishes() {
		assertThat(channel("membershipEvents").path("address").asString()).isEqualTo("membership.events.v1");
		assertThat(channel("memberRoles").path("address").asString()).isEqualTo("membership.roles.v1");
		assertThat(channel("auditCheckpoints").path("address").asString()).isEqualTo("membership.audit-checkpoints.v1");
		assertThat(resolve("#/components/messages/AuditCheckpoint").at("/payload/required")
			.valueStream()
			.map(JsonNode::asString))
			.containsExactlyInAnyOrder("organization_id", "version", "hash", "signed_at", "key_id", "signature");
		assertThat(channel("securityEvents").path("address").asString()).isEqualTo("membership.security.v1");
		assertThat(channel("memberRoles").at("/bindings/kafka/topicConfiguration/cleanup.policy")
			.valueStream()
			.map(JsonNode::asString)).containsExactly("compact");
	}

	/**
	 * Issue 17: what a subscriber needs to keep addresses apart from the events and to
	 * forget them: the compacted topic, its keys, what a tombstone means, the ordering
	 * promise, and how to read the older records that still carry an address.
	 */
	@Test
	void the_personal_data_channel_tells_subscribers_where_addresses_are_and_what_a_tombstone_means() {
		JsonNode channel = channel("personalData");
		String description = channel.path("description").asString();

		assertThat(channel.path("address").asString()).isEqualTo("membership.personal-data.v1");
		assertThat(
				channel.at("/bindings/kafka/topicConfiguration/cleanup.policy").valueStream().map(JsonNode::asString))
			.containsExactly("compact");
		assertThat(description).contains("`user:{user_id}`", "`invitation:{invitation_id}`", "tombstone",
				"PersonalDataErased", "up to its end offsets");
		assertThat(resolve("#/components/messages/PersonalData").at("/bindings/kafka/key/pattern").asString())
			.isEqualTo("^(user:[1-9][0-9]*|invitation:.{1,64})$");
		assertThat(operationMessages("receivePersonalData"))
			.containsExactly("#/channels/personalData/messages/PersonalData");
		assertThat(this.document.at("/info/description").asString()).contains("membership.<Name>.v2",
				"Records of revision 1 stay on", "PersonalDataErased");
	}

	@Test
	void the_events_channel_states_the_guarantees_of_api_md() {
		String description = channel("membershipEvents").path("description").asString();

		assertThat(description).contains("At least once", "Ordered per organization", "organization_id",
				"`ce_orgversion` rises by exactly one", "gap");
	}

	@Test
	void the_roles_channel_states_its_key_format() {
		assertThat(channel("memberRoles").path("description").asString()).contains("`{organization_id}:{user_id}`");
		assertThat(resolve("#/components/messages/MemberRoleState").at("/bindings/kafka/key/pattern").asString())
			.isEqualTo("^.+:[1-9][0-9]*$");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyEvent")
	void every_event_type_is_a_message_of_the_events_channel_with_its_schema(MembershipEvent event) {
		String type = event.typeName();
		JsonNode message = resolve(channel("membershipEvents").path("messages").path(type).path("$ref").asString());

		assertThat(message.path("name").asString()).isEqualTo(event.cloudEventType());
		assertThat(message.at("/payload/schemaFormat").asString())
			.isEqualTo("application/schema+json;version=draft-2020-12");
		assertThat(message.at("/payload/schema/$ref").asString()).isEqualTo("./" + PublishedSchemas.resource(type));
		assertThat(operationMessages("receiveMembershipEvents"))
			.contains("#/channels/membershipEvents/messages/" + type);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyEvent")
	void an_event_about_a_member_promises_the_subject_header_and_no_other_does(MembershipEvent event) {
		JsonNode message = resolve("#/components/messages/" + event.typeName());
		String trait = message.path("traits").path(0).path("$ref").asString();

		assertThat(trait).isEqualTo(event.subject().isPresent() ? "#/components/messageTraits/cloudEventAboutAMember"
				: "#/components/messageTraits/cloudEvent");
	}

	@Test
	void every_schema_file_is_referenced_and_every_reference_names_a_schema_file()
			throws IOException, URISyntaxException {
		List<String> referenced = references().stream()
			.filter((ref) -> !ref.startsWith("#"))
			.map((ref) -> ref.substring("./".length()))
			.toList();
		List<String> files;
		try (Stream<Path> listing = Files.list(Path.of(getClass().getClassLoader().getResource("schemas").toURI()))) {
			files = listing.map((path) -> "schemas/" + path.getFileName()).toList();
		}

		assertThat(referenced).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(files);
		// Every event's, the roles topic's MemberRoleState, the personal data topic's
		// PersonalData and the security topic's SecurityEvent.
		assertThat(files).hasSize(MembershipEvent.class.getPermittedSubclasses().length + 3);
	}

	@Test
	void every_reference_inside_the_document_resolves() {
		List<String> internal = references().stream().filter((ref) -> ref.startsWith("#")).toList();

		assertThat(internal).isNotEmpty()
			.allSatisfy((ref) -> assertThat(resolve(ref).isMissingNode()).as(ref).isFalse());
	}

	@Test
	void the_cloud_events_headers_list_every_header_and_which_are_required() {
		JsonNode headers = resolve("#/components/schemas/CloudEventHeaders");
		List<String> properties = new ArrayList<>(headers.path("properties").propertyNames());

		assertThat(properties).containsExactlyInAnyOrder("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time",
				"ce_subject", "content-type", "ce_orgversion", "ce_actorid", "ce_correlationid", "ce_traceparent",
				"membership_mac");
		assertThat(headers.path("required").valueStream().map(JsonNode::asString))
			.containsExactlyInAnyOrderElementsOf(REQUIRED_HEADERS);
		assertThat(resolve("#/components/schemas/CloudEventHeadersWithSubject").at("/allOf/1/required/0").asString())
			.isEqualTo("ce_subject");
		assertThat(resolve("#/components/messageTraits/cloudEvent").at("/headers/$ref").asString())
			.isEqualTo("#/components/schemas/CloudEventHeaders");
		assertThat(resolve("#/components/messageTraits/cloudEventAboutAMember").at("/headers/$ref").asString())
			.isEqualTo("#/components/schemas/CloudEventHeadersWithSubject");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyEvent")
	void headers_as_api_md_describes_them_validate_against_the_header_schema(MembershipEvent event) {
		assertThat(headerSchemaOf(event).validate(headersOf(event))).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyEvent")
	void headers_without_the_org_version_or_with_a_wrong_spec_version_fail_validation(MembershipEvent event) {
		ObjectNode withoutVersion = headersOf(event);
		withoutVersion.remove("ce_orgversion");
		ObjectNode wrongSpecVersion = headersOf(event);
		wrongSpecVersion.put("ce_specversion", "0.3");

		assertThat(headerSchemaOf(event).validate(withoutVersion)).extracting(Error::getKeyword)
			.containsExactly("required");
		assertThat(headerSchemaOf(event).validate(wrongSpecVersion)).extracting(Error::getKeyword)
			.containsExactly("const");
	}

	@Test
	void an_event_about_a_member_without_the_subject_header_fails_validation() {
		MembershipEvent about = everyEvent().filter((event) -> event.subject().isPresent()).findFirst().orElseThrow();
		ObjectNode headers = headersOf(about);
		headers.remove("ce_subject");

		assertThat(headerSchemaOf(about).validate(headers)).isNotEmpty();
	}

	/**
	 * The headers API.md describes (the publisher in infra writes them in
	 * {@code CloudEventRecords}), as strings, the way Kafka carries them as UTF-8 bytes.
	 */
	private static ObjectNode headersOf(MembershipEvent event) {
		ObjectNode headers = JsonMapper.shared().createObjectNode();
		headers.put("ce_specversion", "1.0");
		headers.put("ce_id", UUID.randomUUID().toString());
		headers.put("ce_source", "/organizations/" + event.organizationId());
		headers.put("ce_type", event.cloudEventType());
		headers.put("ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
		event.subject().ifPresent((subject) -> headers.put("ce_subject", subject.toString()));
		headers.put("content-type", "application/json");
		headers.put("ce_orgversion", "7");
		if (event.actorUserId() != null) {
			headers.put("ce_actorid", event.actorUserId().toString());
		}
		headers.put("ce_correlationid", event.correlationId());
		headers.put("membership_mac", "v1:2026-11:" + "A".repeat(43));
		return headers;
	}

	/**
	 * The header schema of the event's message, read from the document itself. AsyncAPI's
	 * schema objects are a superset of JSON Schema draft-07.
	 */
	private Schema headerSchemaOf(MembershipEvent event) {
		String trait = resolve("#/components/messages/" + event.typeName()).path("traits")
			.path(0)
			.path("$ref")
			.asString();
		String headers = resolve(trait).path("headers").path("$ref").asString();
		SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7, (builder) -> builder
			.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
		return registry.getSchema(SchemaLocation.of("classpath:asyncapi.yaml" + headers));
	}

	private JsonNode channel(String name) {
		return this.document.path("channels").path(name);
	}

	private List<String> operationMessages(String operation) {
		return this.document.path("operations")
			.path(operation)
			.path("messages")
			.valueStream()
			.map((message) -> message.path("$ref").asString())
			.toList();
	}

	private JsonNode resolve(String ref) {
		assertThat(ref).startsWith("#/");
		return this.document.at(JsonPointer.compile(ref.substring(1)));
	}

	private List<String> references() {
		List<String> refs = new ArrayList<>();
		collectReferences(this.document, refs);
		return refs;
	}

	private static void collectReferences(JsonNode node, List<String> refs) {
		if (node.isObject()) {
			for (String name : node.propertyNames()) {
				JsonNode value = node.get(name);
				if (name.equals("$ref") && value.isString()) {
					refs.add(value.asString());
				}
				else {
					collectReferences(value, refs);
				}
			}
		}
		else if (node.isArray()) {
			node.valueStream().forEach((element) -> collectReferences(element, refs));
		}
	}

}
