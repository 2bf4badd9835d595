package io.membership.query.projection;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.OrganizationCreated;
import io.membership.events.ids.OrganizationId;
import io.membership.query.projection.MembershipProjection.Outcome;
import io.membership.query.read.Timelines;
import io.membership.query.read.Timestamps;

/**
 * Decides whether an event is its organization's next version, and moves the
 * organization's version to it if so; the writers change the views only for an event it
 * let through.
 *
 * <p>
 * The test and the move are one conditional update of {@code qs_organizations}, so two
 * consumers applying the same event cannot both pass it. The first event of an
 * organization makes its row, as nothing else may, since the row holds the version. A
 * version already applied is a duplicate; a version beyond the next is a gap, recorded
 * once in {@code qs_projection_gaps} and logged: the organization's views stay at the
 * last version before it rather than silently skip an event.
 */
final class VersionGate {

	private static final Logger logger = LoggerFactory.getLogger(VersionGate.class);

	private final JdbcClient jdbc;

	private final Timelines timelines;

	VersionGate(JdbcClient jdbc, Timelines timelines) {
		this.jdbc = jdbc;
		this.timelines = timelines;
	}

	Outcome advance(ProjectedEvent projected) {
		OrganizationId organization = projected.organizationId();
		long version = projected.version();
		if (version == 1 && projected.event() instanceof OrganizationCreated created) {
			if (this.timelines.versionOf(organization) > 0) {
				return Outcome.DUPLICATE;
			}
			this.jdbc
				.sql("INSERT INTO qs_organizations (organization_id, name, owner_user_id, created_at, version) "
						+ "VALUES (?, ?, ?, ?, 1)")
				.params(organization.value(), created.name(), created.ownerUserId().value(),
						Timestamps.utc(created.occurredAt()))
				.update();
			return Outcome.APPLIED;
		}
		int advanced = this.jdbc
			.sql("UPDATE qs_organizations SET version = ? WHERE organization_id = ? AND version = ?")
			.params(version, organization.value(), version - 1)
			.update();
		if (advanced == 1) {
			return Outcome.APPLIED;
		}
		long current = this.timelines.versionOf(organization);
		if (version <= current) {
			return Outcome.DUPLICATE;
		}
		recordGap(projected, current + 1);
		return Outcome.GAP;
	}

	private void recordGap(ProjectedEvent projected, long expected) {
		logger.error("Gap in the event stream of {}: expected version {}, received {} ({}); its views stay at {}",
				projected.organizationId(), expected, projected.version(), projected.eventId(), expected - 1);
		int known = this.jdbc
			.sql("SELECT COUNT(*) FROM qs_projection_gaps WHERE organization_id = ? AND expected_version = ? "
					+ "AND received_version = ?")
			.params(projected.organizationId().value(), expected, projected.version())
			.query(Integer.class)
			.single();
		if (known == 0) {
			this.jdbc
				.sql("INSERT INTO qs_projection_gaps (organization_id, expected_version, received_version, event_id, "
						+ "detected_at) VALUES (?, ?, ?, ?, ?)")
				.params(projected.organizationId().value(), expected, projected.version(), projected.eventId(),
						Timestamps.utc(Instant.now()))
				.update();
		}
	}

}
