package io.membership.events.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.axonframework.serialization.Revision;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.events.MemberRoleChanged;
import io.membership.events.AddressKeptApart;
import io.membership.events.MembershipEvent;
import io.membership.events.SampleEvents;
import io.membership.events.UserInvited;
import io.membership.events.ids.WorkspaceId;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventJsonRoundTripTest {

	private final JsonMapper mapper = MembershipJson.mapper();

	static Stream<MembershipEvent> everyEvent() {
		return SampleEvents.all().stream();
	}

	@Test
	void there_is_a_sample_of_every_event_type() {
		assertThat(everyEvent().map(Object::getClass))
			.containsExactlyInAnyOrder(MembershipEvent.class.getPermittedSubclasses());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyEvent")
	void an_event_reads_back_equal_to_what_was_written_but_for_the_address_kept_apart(MembershipEvent event) {
		String json = this.mapper.writeValueAsString(event);

		MembershipEvent expected = (event instanceof AddressKeptApart addressed) ? addressed.withEmail(null) : event;
		assertThat(this.mapper.readValue(json, event.getClass())).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyEvent")
	void no_event_is_written_with_an_e_mail_address(MembershipEvent event) {
		assertThat(this.mapper.writeValueAsString(event)).doesNotContain("@").doesNotContain("email");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyEvent")
	void the_published_version_is_the_revision(MembershipEvent event) {
		assertThat(event.publishedVersion())
			.isEqualTo(Integer.parseInt(event.getClass().getAnnotation(Revision.class).value()));
		assertThat(event.cloudEventType())
			.isEqualTo("membership." + event.typeName() + ".v" + event.publishedVersion());
		assertThat(MembershipEvent.typeNamed(event.cloudEventType())).contains(event.getClass());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyEvent")
	void an_event_is_written_with_exactly_its_fields_in_snake_case(MembershipEvent event) {
		JsonNode json = this.mapper.valueToTree(event);

		List<String> expected = Arrays.stream(event.getClass().getRecordComponents())
			.map(RecordComponent::getName)
			.map((name) -> name.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT))
			.filter((name) -> !name.equals("email") && !name.equals("owner_email"))
			.toList();
		assertThat(json.propertyNames()).containsExactlyInAnyOrderElementsOf(expected);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyEvent")
	void every_event_carries_a_revision(MembershipEvent event) {
		assertThat(event.getClass().getAnnotation(Revision.class)).isNotNull();
	}

	@Test
	void a_role_change_is_written_in_the_published_shape() {
		MembershipEvent event = everyEvent().filter(MemberRoleChanged.class::isInstance).findFirst().orElseThrow();

		assertThat(this.mapper.writeValueAsString(event)).isEqualTo("""
				{"organization_id":"org_1","user_id":42,"from_role":"RE","to_role":"MA","reason":null,\
				"actor_user_id":1,"occurred_at":"2026-11-23T10:15:30.123456Z","correlation_id":"corr-1"}""");
	}

	@Test
	void workspaces_are_written_in_a_stable_sorted_order() {
		JsonNode invited = this.mapper
			.valueToTree(SampleEvents.all().stream().filter(UserInvited.class::isInstance).findFirst().orElseThrow());

		assertThat(invited.get("workspaces").toString()).isEqualTo("[\"ws_a\",\"ws_b\"]");
	}

	@Test
	void an_invitations_projects_are_written_in_a_stable_sorted_order() {
		JsonNode invited = this.mapper
			.valueToTree(SampleEvents.all().stream().filter(UserInvited.class::isInstance).findFirst().orElseThrow());

		assertThat(invited.get("projects").toString()).isEqualTo("[\"17\",\"18\"]");
	}

	/**
	 * An invitation stored before invitations named projects has no {@code projects}: it
	 * reads as an invitation to none, and is not an error.
	 */
	@Test
	void an_invitation_stored_before_projects_existed_reads_as_one_to_no_project() {
		String stored = """
				{"organization_id":"org_1","invitation_id":"inv_1","email":"new@acme.test","role":"AN",\
				"workspaces":["ws_a"],"expires_at":"2026-11-30T10:15:30Z","actor_user_id":1,\
				"occurred_at":"2026-11-23T10:15:30Z","correlation_id":"c"}""";

		UserInvited invited = this.mapper.readValue(stored, UserInvited.class);

		assertThat(invited.projects()).isEmpty();
		assertThat(invited.workspaces()).containsExactly(new WorkspaceId("ws_a"));
	}

	@Test
	void an_unknown_role_code_is_refused_when_reading() {
		String json = """
				{"organization_id":"org_1","user_id":42,"from_role":"RE","to_role":"XX","reason":null,\
				"actor_user_id":1,"occurred_at":"2026-11-23T10:15:30Z","correlation_id":"c"}""";

		assertThatThrownBy(() -> this.mapper.readValue(json, MemberRoleChanged.class))
			.hasMessageContaining("unknown role code 'XX'");
	}

	@Test
	void a_user_id_that_is_not_positive_is_refused_when_reading() {
		String json = """
				{"organization_id":"org_1","user_id":0,"from_role":"RE","to_role":"MA","reason":null,\
				"actor_user_id":1,"occurred_at":"2026-11-23T10:15:30Z","correlation_id":"c"}""";

		assertThatThrownBy(() -> this.mapper.readValue(json, MemberRoleChanged.class))
			.hasMessageContaining("user id must be a positive integer");
	}

}
