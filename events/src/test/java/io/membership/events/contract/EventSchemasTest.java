package io.membership.events.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.networknt.schema.Error;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.SampleEvents;
import io.membership.events.UserInvited;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.json.MembershipJson;

/**
 * The JSON Schemas subscribers code against describe exactly what {@link MembershipJson}
 * writes: every sample event validates against its schema, and a body that breaks the
 * contract does not.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class EventSchemasTest {

	private static final JsonMapper JSON = MembershipJson.mapper();

	static Stream<String> everySchema() {
		return Stream.concat(Arrays.stream(MembershipEvent.class.getPermittedSubclasses()).map(Class::getSimpleName),
				Stream.of(PublishedSchemas.ROLE_STATE));
	}

	static Stream<Arguments> everySampleBody() {
		Stream<Arguments> events = SampleEvents.all()
			.stream()
			.map((event) -> Arguments.of(event.typeName(), JSON.valueToTree(event)));
		return Stream.concat(events, Stream.of(Arguments.of(PublishedSchemas.ROLE_STATE, roleState())));
	}

	/**
	 * A value of the roles topic: infra's {@code MemberRoleState} record, written by the
	 * same mapper.
	 */
	static JsonNode roleState() {
		Map<ProjectId, Role> projects = new TreeMap<>();
		projects.put(new ProjectId("17"), Role.REVIEWER);
		projects.put(new ProjectId("18"), null);
		return JSON.valueToTree(new MemberRoleState(new OrganizationId("org_1"), UserId.of(42), Role.ANNOTATOR,
				WorkspaceId.sortedSet(Set.of(new WorkspaceId("ws_b"), new WorkspaceId("ws_a"))), projects, 7));
	}

	/** The shape of infra's record of the same name. */
	record MemberRoleState(OrganizationId organizationId, UserId userId, Role role, Set<WorkspaceId> workspaces,
			Map<ProjectId, Role> projects, long version) {
	}

	@Test
	void a_role_state_with_a_project_role_other_than_annotator_or_reviewer_fails_validation() {
		ObjectNode state = (ObjectNode) roleState();
		((ObjectNode) state.path("projects")).put("17", "MA");

		assertThat(PublishedSchemas.validate(PublishedSchemas.ROLE_STATE, state)).isNotEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everySchema")
	void every_event_type_and_the_role_state_has_a_schema_with_a_stable_id(String typeName) {
		assertThat(PublishedSchemas.exists(PublishedSchemas.resource(typeName))).as(PublishedSchemas.resource(typeName))
			.isTrue();
		JsonNode schema = PublishedSchemas.schemaDocument(typeName);

		String resource = PublishedSchemas.resource(typeName);
		String version = resource.substring(resource.lastIndexOf(".v") + 1, resource.indexOf(".schema.json"));
		assertThat(schema.path("$id").asString()).isEqualTo("urn:membership:schema:" + typeName + ":" + version);
		assertThat(schema.path("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
		assertThat(schema.path("type").asString()).isEqualTo("object");
		assertThat(schema.path("additionalProperties").asBoolean(false))
			.as("subscribers are tolerant readers: unknown properties are allowed")
			.isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everySchema")
	void every_schema_is_a_valid_draft_2020_12_schema(String typeName) {
		assertThat(PublishedSchemas.metaSchema().validate(PublishedSchemas.schemaDocument(typeName))).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everySampleBody")
	void every_sample_body_validates_against_its_schema(String typeName, JsonNode body) {
		assertThat(PublishedSchemas.validate(typeName, body)).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everySampleBody")
	void a_schema_lists_exactly_the_properties_written_and_requires_all_of_them(String typeName, JsonNode body) {
		JsonNode schema = PublishedSchemas.schemaDocument(typeName);

		assertThat(schema.path("properties").propertyNames()).containsExactlyElementsOf(body.propertyNames());
		assertThat(schema.path("required").valueStream().map(JsonNode::asString))
			.containsExactlyElementsOf(body.propertyNames());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everySampleBody")
	void a_body_missing_any_one_property_fails_validation(String typeName, JsonNode body) {
		for (String property : body.propertyNames()) {
			ObjectNode mutated = (ObjectNode) body.deepCopy();
			mutated.remove(property);

			assertThat(PublishedSchemas.validate(typeName, mutated)).as("without %s", property)
				.extracting(Error::getKeyword)
				.containsExactly("required");
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everySampleBody")
	void a_property_added_by_a_later_version_is_tolerated(String typeName, JsonNode body) {
		ObjectNode extended = (ObjectNode) body.deepCopy();
		extended.put("added_later", "a subscriber on v1 ignores it");

		assertThat(PublishedSchemas.validate(typeName, extended)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "XX", "ow", "Owner", "" })
	void a_role_change_to_an_unknown_role_code_fails_validation(String code) {
		ObjectNode body = sample(MemberRoleChanged.class);
		body.put("to_role", code);

		assertThat(PublishedSchemas.validate("MemberRoleChanged", body)).extracting(Error::getKeyword)
			.containsExactly("enum");
	}

	@Test
	void a_role_state_with_an_unknown_role_code_fails_validation() {
		ObjectNode state = (ObjectNode) roleState();
		state.put("role", "SU");

		assertThat(PublishedSchemas.validate(PublishedSchemas.ROLE_STATE, state)).isNotEmpty();
	}

	@Test
	void a_user_id_that_is_not_a_positive_integer_fails_validation() {
		for (JsonNode userId : List.<JsonNode>of(JSON.valueToTree("42"), JSON.valueToTree(0), JSON.valueToTree(4.2))) {
			ObjectNode body = sample(MemberRoleChanged.class);
			body.set("user_id", userId);

			assertThat(PublishedSchemas.validate("MemberRoleChanged", body)).as("user_id %s", userId).isNotEmpty();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "2026-11-23 10:15:30Z", "2026-11-23T10:15:30", "2026-11-23T10:15:30+02:00", "yesterday" })
	void a_time_that_is_not_rfc_3339_in_utc_fails_validation(String time) {
		ObjectNode body = sample(MemberRoleChanged.class);
		body.put("occurred_at", time);

		assertThat(PublishedSchemas.validate("MemberRoleChanged", body)).isNotEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "not an address", "anna@", "@acme.test", "anna@acme..test", "anna.@acme.test" })
	void a_personal_data_record_of_something_that_is_not_an_email_address_fails_validation(String email) {
		ObjectNode body = personalData(email);

		assertThat(PublishedSchemas.validate(PublishedSchemas.PERSONAL_DATA, body)).extracting(Error::getKeyword)
			.containsExactly("format");
	}

	@ParameterizedTest
	@ValueSource(strings = { "anna@acme.test", "anna+labels@acme.example.com", "jörg@acme.test", "anna@bücher.de",
			"\"anna smith\"@acme.test", "anna@[127.0.0.1]" })
	void every_address_the_api_accepts_is_valid(String email) {
		ObjectNode body = personalData(email);

		assertThat(PublishedSchemas.validate(PublishedSchemas.PERSONAL_DATA, body)).isEmpty();
	}

	@Test
	void a_personal_data_record_names_a_user_or_an_invitation_of_an_organization() {
		ObjectNode invitation = MembershipJson.mapper().createObjectNode();
		invitation.put("email", "anna@acme.test");
		invitation.put("invitation_id", "inv_1");
		invitation.put("organization_id", "org_1");
		assertThat(PublishedSchemas.validate(PublishedSchemas.PERSONAL_DATA, invitation)).isEmpty();

		invitation.remove("organization_id");
		assertThat(PublishedSchemas.validate(PublishedSchemas.PERSONAL_DATA, invitation)).isNotEmpty();
	}

	private static ObjectNode personalData(String email) {
		ObjectNode body = MembershipJson.mapper().createObjectNode();
		body.put("email", email);
		body.put("user_id", "42");
		return body;
	}

	@Test
	void nullable_properties_accept_null_and_the_others_do_not() {
		ObjectNode invited = sample(UserInvited.class);
		invited.putNull("role");
		assertThat(PublishedSchemas.validate("UserInvited", invited)).isEmpty();

		ObjectNode changed = sample(MemberRoleChanged.class);
		changed.putNull("to_role");
		assertThat(PublishedSchemas.validate("MemberRoleChanged", changed)).isNotEmpty();
	}

	@Test
	void every_time_the_mapper_writes_is_valid_however_precise() {
		List<Error> errors = new ArrayList<>();
		for (String at : List.of("2026-11-23T10:15:30Z", "2026-11-23T10:15:30.1Z", "2026-11-23T10:15:30.123456789Z")) {
			ObjectNode body = sample(MemberRoleChanged.class);
			body.set("occurred_at", JSON.valueToTree(Instant.parse(at)));
			errors.addAll(PublishedSchemas.validate("MemberRoleChanged", body));
		}

		assertThat(errors).isEmpty();
	}

	private static ObjectNode sample(Class<? extends MembershipEvent> type) {
		return JSON.valueToTree(SampleEvents.all().stream().filter(type::isInstance).findFirst().orElseThrow());
	}

}
