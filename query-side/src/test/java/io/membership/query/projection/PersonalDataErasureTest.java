package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.UserId;
import io.membership.query.read.ActivityLogReads.ActivityEntry;
import io.membership.query.read.ActivityLogReads.ActivityFilter;
import io.membership.query.read.ActivityLogReads.PersonalData;
import io.membership.query.read.MemberReads.MemberFilter;
import io.membership.query.read.MemberReads.MemberRecord;
import io.membership.query.read.MemberReads.RoleChange;
import io.membership.query.support.OrganizationHistory;

/**
 * PersonalDataErased, applied like every other event: the person's addresses (theirs and
 * those of the invitations it lists) are gone from every answer at once, which shows
 * {@code "email": null, "erased": true} instead; their roles, role history and timeline
 * stay as they were; the activity log records the erasure. No table keeps the address.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PersonalDataErasureTest {

	private static final UserId ANN = UserId.of(2);

	private static final InvitationId INVITATION = new InvitationId("inv_ann");

	@RegisterExtension
	final ProjectedTables tables = new ProjectedTables();

	/** Ann, invited and joined, a Reviewer since; user 3 joined by the link. */
	private final OrganizationHistory acme = OrganizationHistory.created("Acme")
		.invited(INVITATION, "ann@acme.test", Role.ANNOTATOR)
		.joinedByInvitation(ANN.value(), INVITATION, "ann@acme.test", Role.ANNOTATOR)
		.roleChanged(ANN.value(), Role.ANNOTATOR, Role.REVIEWER)
		.joined(3, Role.ANNOTATOR);

	private MemberRecord ann() {
		return this.tables.members().current(this.acme.id(), ANN).orElseThrow();
	}

	private List<ActivityEntry> log() {
		return this.tables.activityLog()
			.entries(this.acme.id(), new ActivityFilter(null, null, null, Set.of(), null, null), 100);
	}

	/** Every value of every projection table, as text. */
	private List<String> everything() {
		return this.tables.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'PUBLIC'")
			.stream()
			.map((table) -> table.get("table_name").toString().toLowerCase(Locale.ROOT))
			.filter((table) -> table.startsWith("qs_"))
			.flatMap((table) -> this.tables.rows("SELECT * FROM " + table).stream())
			.flatMap((row) -> row.values().stream())
			.map(String::valueOf)
			.toList();
	}

	@Test
	void before_the_erasure_every_answer_shows_the_address_and_says_it_is_not_erased() {
		this.tables.given(this.acme);

		assertThat(ann().email()).isEqualTo("ann@acme.test");
		assertThat(ann().erased()).isFalse();
		assertThat(log()).filteredOn((entry) -> entry.personalData() != null)
			.extracting(ActivityEntry::type, (entry) -> entry.personalData().email(),
					(entry) -> entry.personalData().erased())
			.containsExactly(tuple("MemberJoined", "user3@acme.test", false),
					tuple("MemberJoined", "ann@acme.test", false), tuple("UserInvited", "ann@acme.test", false),
					tuple("OrganizationCreated", "owner@acme.test", false));
		assertThat(log()).allSatisfy((entry) -> assertThat(entry.details().toString()).doesNotContain("@acme.test"));
	}

	@Test
	void after_the_erasure_the_member_and_their_invitation_show_no_address_and_say_it_was_erased() {
		this.tables.addressesOf(this.acme);
		this.tables.given(this.acme.erased(ANN.value(), INVITATION));

		assertThat(ann().email()).isNull();
		assertThat(ann().erased()).isTrue();
		assertThat(this.tables.members().addressOf(ANN)).as("beside the role history")
			.isEqualTo(new PersonalData(null, true));
		assertThat(ann().role()).as("the roles stay").isEqualTo(Role.REVIEWER);
		assertThat(this.tables.members().current(this.acme.id(), UserId.of(3)).orElseThrow().email())
			.as("nobody else's")
			.isEqualTo("user3@acme.test");
		assertThat(log()).filteredOn((entry) -> entry.personalData() != null)
			.extracting(ActivityEntry::type, (entry) -> entry.personalData().email(),
					(entry) -> entry.personalData().erased())
			.containsExactly(tuple("MemberJoined", "user3@acme.test", false), tuple("MemberJoined", null, true),
					tuple("UserInvited", null, true), tuple("OrganizationCreated", "owner@acme.test", false));
		assertThat(everything()).isNotEmpty().noneMatch((value) -> value.contains("ann@acme.test"));
	}

	@Test
	void a_search_by_the_erased_address_finds_no_one() {
		this.tables.given(this.acme.erased(ANN.value(), INVITATION));

		assertThat(this.tables.members().page(this.acme.id(), new MemberFilter(Set.of(), "ann@", null), 0, 10))
			.isEmpty();
		assertThat(this.tables.members().page(this.acme.id(), new MemberFilter(Set.of(), "2", null), 0, 10))
			.extracting(MemberRecord::userId, MemberRecord::email, MemberRecord::erased)
			.containsExactly(tuple(2L, null, true));
	}

	@Test
	void the_erasure_is_an_activity_log_entry_and_changes_no_role_history_or_timeline() {
		this.tables.given(this.acme);
		List<RoleChange> history = this.tables.members().roleHistory(this.acme.id(), ANN);
		var timeline = this.tables.timelines().latestState(this.acme.id(), ANN);

		this.tables.given(this.acme.erased(ANN.value(), INVITATION));

		assertThat(this.tables.members().roleHistory(this.acme.id(), ANN)).isEqualTo(history);
		assertThat(this.tables.timelines().latestState(this.acme.id(), ANN)).isEqualTo(timeline);
		assertThat(this.tables.timelines().versionOf(this.acme.id())).isEqualTo(6);
		ActivityEntry erasure = log().get(0);
		assertThat(erasure.type()).isEqualTo("PersonalDataErased");
		assertThat(erasure.actorUserId()).as("a service principal has no user id").isNull();
		assertThat(erasure.subjectUserId()).isEqualTo(ANN.value());
		assertThat(erasure.summary())
			.isEqualTo("Client privacy-desk had the e-mail addresses of user 2 erased, with those of 1 invitation");
		assertThat(erasure.details().path("invitation_ids").get(0).asString()).isEqualTo("inv_ann");
		assertThat(erasure.personalData()).isNull();
	}

	@Test
	void as_of_an_earlier_membership_a_removed_member_shows_no_erased_address() {
		OrganizationHistory removed = this.acme.removed(ANN.value(), Role.REVIEWER);
		this.tables.given(removed.erased(ANN.value(), INVITATION));

		assertThat(this.tables.members().asOf(this.acme.id(), ANN, this.acme.occurredAt(4)))
			.hasValueSatisfying((then) -> {
				assertThat(then.role()).isEqualTo(Role.REVIEWER);
				assertThat(then.email()).isNull();
				assertThat(then.erased()).isTrue();
			});
	}

	@Test
	void an_address_published_before_the_erasure_and_read_after_it_does_not_come_back() {
		OrganizationHistory erased = this.acme.erased(ANN.value(), INVITATION);
		this.tables.given(erased);
		// The personal-data topic read late: the addresses published before the erasure.
		this.tables.addressesOf(erased);

		assertThat(ann().email()).isNull();
		assertThat(ann().erased()).isTrue();
		assertThat(everything()).noneMatch((value) -> value.contains("ann@acme.test"));
	}

	@Test
	void an_address_published_after_the_erasure_is_shown_again_whichever_topic_is_read_first() {
		OrganizationHistory erased = this.acme.erased(ANN.value(), INVITATION);
		this.tables.given(erased);
		PersonalDataProjection personalData = this.tables.personalData();
		// Ann's identity provider vouches for a new address when she joins elsewhere.
		personalData.published("user:2", "ann@new.test", erased.occurredAt(6).plus(Duration.ofMinutes(5)));
		Map<String, Object> shown = Map.of("email", ann().email(), "erased", ann().erased());

		ProjectedTables other = new ProjectedTables();
		try {
			other.personalData().published("user:2", "ann@new.test", erased.occurredAt(6).plus(Duration.ofMinutes(5)));
			other.given(erased);
			MemberRecord there = other.members().current(this.acme.id(), ANN).orElseThrow();

			assertThat(shown).isEqualTo(Map.of("email", "ann@new.test", "erased", false));
			assertThat(Map.of("email", there.email(), "erased", there.erased())).isEqualTo(shown);
			assertThat(other.rows("SELECT * FROM qs_personal_data WHERE data_key = 'user:2'"))
				.isEqualTo(this.tables.rows("SELECT * FROM qs_personal_data WHERE data_key = 'user:2'"));
		}
		finally {
			other.afterEach(null);
		}
	}

	@Test
	void erased_joined_again_and_erased_again_no_late_record_of_either_address_comes_back() {
		PersonalDataProjection personalData = this.tables.personalData();
		Instant first = Instant.parse("2026-11-26T10:00:00Z");
		personalData.published("user:2", "ann@acme.test", first);
		personalData.erased("user:2", first.plusSeconds(60));
		personalData.published("user:2", "ann@new.test", first.plusSeconds(120));
		personalData.erased("user:2", first.plusSeconds(180));

		personalData.published("user:2", "ann@new.test", first.plusSeconds(120));
		personalData.published("user:2", "ann@acme.test", first);

		assertThat(this.tables.rows("SELECT email, erased FROM qs_personal_data WHERE data_key = 'user:2'"))
			.singleElement()
			.satisfies((row) -> {
				assertThat(row.get("email")).isNull();
				assertThat(row.get("erased")).isEqualTo(true);
			});
	}

	/**
	 * The instance that published the address and the one that decided the erasure may
	 * disagree on the time: the address seems published after the erasure, so the event
	 * alone leaves it. The tombstone that follows on the topic forgets it whatever its
	 * time: the topic's order decides.
	 */
	@Test
	void with_the_clocks_apart_the_tombstone_forgets_an_address_the_erasure_event_could_not_place() {
		PersonalDataProjection personalData = this.tables.personalData();
		Instant erasure = Instant.parse("2026-11-26T10:00:00Z");
		personalData.published("user:2", "ann@acme.test", erasure.plusSeconds(2));
		personalData.erased("user:2", erasure);

		personalData.tombstone("user:2", erasure.plusSeconds(1));

		assertThat(this.tables.rows("SELECT email, erased FROM qs_personal_data WHERE data_key = 'user:2'"))
			.singleElement()
			.satisfies((row) -> {
				assertThat(row.get("email")).isNull();
				assertThat(row.get("erased")).isEqualTo(true);
			});
	}

}
