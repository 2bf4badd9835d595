package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.access.Role;
import io.membership.events.ids.UserId;
import io.membership.query.projection.MembershipProjection.Outcome;
import io.membership.query.read.MemberReads.MemberRecord;
import io.membership.query.support.OrganizationHistory;

/**
 * An event reaches the views only as its organization's next version: one seen before
 * changes nothing, and one past a missing version is recorded, while the views stay at
 * the last version before the gap.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class VersionGateTest {

	@RegisterExtension
	final ProjectedTables tables = new ProjectedTables();

	private final OrganizationHistory acme = OrganizationHistory.created("Acme")
		.joined(2, Role.ANNOTATOR)
		.roleChanged(2, Role.ANNOTATOR, Role.REVIEWER)
		.roleChanged(2, Role.REVIEWER, Role.MANAGER);

	private MembershipProjection projection() {
		return this.tables.projection();
	}

	private Role roleOf(long user) {
		return this.tables.members().current(this.acme.id(), UserId.of(user)).map(MemberRecord::role).orElseThrow();
	}

	@Test
	void each_next_version_is_applied_and_becomes_the_organizations_version() {
		assertThat(projection().applyAll(List.of(this.acme.projected(1), this.acme.projected(2))))
			.containsExactly(Outcome.APPLIED, Outcome.APPLIED);

		assertThat(this.tables.timelines().versionOf(this.acme.id())).isEqualTo(2);
		assertThat(roleOf(2)).isEqualTo(Role.ANNOTATOR);
	}

	@Test
	void a_version_applied_before_is_a_duplicate_and_changes_nothing() {
		this.tables.given(this.acme);

		assertThat(
				projection().applyAll(List.of(this.acme.projected(1), this.acme.projected(3), this.acme.projected(4))))
			.containsExactly(Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.DUPLICATE);
		assertThat(this.tables.timelines().versionOf(this.acme.id())).isEqualTo(4);
		assertThat(roleOf(2)).isEqualTo(Role.MANAGER);
		assertThat(this.tables.members().roleHistory(this.acme.id(), UserId.of(2))).hasSize(3);
	}

	@Test
	void a_version_past_a_missing_one_is_a_gap_recorded_once_and_the_views_stay_before_it() {
		projection().applyAll(List.of(this.acme.projected(1), this.acme.projected(2)));

		assertThat(projection().apply(this.acme.projected(4))).isEqualTo(Outcome.GAP);
		assertThat(projection().apply(this.acme.projected(4))).isEqualTo(Outcome.GAP);

		assertThat(this.tables.timelines().versionOf(this.acme.id())).isEqualTo(2);
		assertThat(roleOf(2)).isEqualTo(Role.ANNOTATOR);
		assertThat(this.tables.rows("SELECT expected_version, received_version, event_id FROM qs_projection_gaps "
				+ "WHERE organization_id = ?", this.acme.id().value()))
			.singleElement()
			.satisfies((gap) -> {
				assertThat(gap.get("expected_version")).isEqualTo(3L);
				assertThat(gap.get("received_version")).isEqualTo(4L);
				assertThat(gap.get("event_id")).isEqualTo(this.acme.projected(4).eventId());
			});
	}

	@Test
	void the_missing_version_once_it_arrives_lets_the_ones_after_it_through() {
		projection().applyAll(List.of(this.acme.projected(1), this.acme.projected(2)));
		projection().apply(this.acme.projected(4));

		assertThat(projection().applyAll(List.of(this.acme.projected(3), this.acme.projected(4))))
			.containsExactly(Outcome.APPLIED, Outcome.APPLIED);
		assertThat(roleOf(2)).isEqualTo(Role.MANAGER);
	}

}
