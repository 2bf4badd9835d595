package io.membership.query.projection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.OrganizationCreated;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.query.projection.MembershipProjection.Outcome;
import io.membership.query.read.Timestamps;

/**
 * Decides whether an event is its organization's next version, and moves the
 * organization's version to it if so; the writers change the views only for an event it
 * let through. It decides a whole poll in memory: {@link #lock} reads the versions of the
 * poll's organizations once, {@link #advance} decides each event against them, and
 * {@link #write} stores where each organization ended.
 *
 * <p>
 * Two consumers applying the same events still cannot both pass one: {@link #lock} reads
 * the organizations' rows {@code FOR UPDATE}, so a second transaction that reads them
 * waits until the first has committed, and then reads the versions it wrote (both
 * databases' read-committed transactions read a locked row's latest committed state once
 * the lock is theirs), and finds the events duplicates. The rows are locked in
 * organization id order, so two polls sharing organizations cannot lock them in opposite
 * orders and deadlock. An organization created by the poll has no row to lock: two
 * transactions creating it both insert its row, and the primary key refuses the second,
 * whose poll is then applied again one record at a time and finds it there. The update
 * that moves a version still names the version read, and fails the poll if another
 * transaction moved it all the same.
 *
 * <p>
 * The first event of an organization makes its row, as nothing else may, since the row
 * holds the version. A version already applied is a duplicate; a version beyond the next
 * is a gap, recorded once in {@code qs_projection_gaps} and logged: the organization's
 * views stay at the last version before it rather than silently skip an event.
 */
final class VersionGate {

	private static final Logger logger = LoggerFactory.getLogger(VersionGate.class);

	/** Organizations per locking statement, to keep its parameters few. */
	private static final int LOCKED_PER_STATEMENT = 1000;

	private final JdbcClient jdbc;

	/** The poll's organizations, in the order they are locked and written. */
	private final Map<OrganizationId, Organization> organizations = new TreeMap<>(
			Comparator.comparing(OrganizationId::value));

	private VersionGate(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Locks the organizations' rows until the caller's transaction ends and reads their
	 * versions.
	 */
	static VersionGate lock(JdbcClient jdbc, Collection<OrganizationId> organizations) {
		VersionGate gate = new VersionGate(jdbc);
		organizations.forEach((organization) -> gate.organizations.put(organization, new Organization(0, null)));
		List<OrganizationId> ordered = new ArrayList<>(gate.organizations.keySet());
		for (int from = 0; from < ordered.size(); from += LOCKED_PER_STATEMENT) {
			List<OrganizationId> chunk = ordered.subList(from, Math.min(from + LOCKED_PER_STATEMENT, ordered.size()));
			jdbc.sql("SELECT organization_id, version, owner_user_id FROM qs_organizations WHERE organization_id IN ("
					+ String.join(", ", chunk.stream().map((any) -> "?").toList())
					+ ") ORDER BY organization_id FOR UPDATE")
				.params(chunk.stream().map(OrganizationId::value).toList())
				.query((row) -> {
					gate.organizations.put(new OrganizationId(row.getString(1)),
							new Organization(row.getLong(2), row.getLong(3)));
				});
		}
		return gate;
	}

	Outcome advance(ProjectedEvent projected) {
		Organization organization = this.organizations.get(projected.organizationId());
		if (organization == null) {
			throw new IllegalStateException(projected.organizationId() + " was not locked for this poll");
		}
		long version = projected.version();
		if (version == 1 && projected.event() instanceof OrganizationCreated created) {
			if (organization.version > 0) {
				return Outcome.DUPLICATE;
			}
			organization.created = created;
			organization.owner = created.ownerUserId().value();
			organization.version = 1;
			return Outcome.APPLIED;
		}
		if (organization.version > 0 && version == organization.version + 1) {
			organization.version = version;
			return Outcome.APPLIED;
		}
		if (version <= organization.version) {
			return Outcome.DUPLICATE;
		}
		recordGap(projected, organization.version + 1);
		return Outcome.GAP;
	}

	/** The organization's Owner moves with the Owner's role. */
	void ownerIs(OrganizationId organization, UserId owner) {
		this.organizations.get(organization).owner = owner.value();
	}

	/**
	 * Stores each organization's version and Owner where the poll's events left them: the
	 * row of one it created, and the changed ones.
	 * @throws IllegalStateException if another transaction moved a version since
	 * {@link #lock}
	 */
	void write(Statements statements) {
		List<Object[]> created = new ArrayList<>();
		List<Object[]> moved = new ArrayList<>();
		this.organizations.forEach((id, organization) -> {
			if (organization.created != null) {
				created.add(new Object[] { id.value(), organization.created.name(), organization.owner,
						Timestamps.utc(organization.created.occurredAt()), organization.version });
			}
			else if (organization.loaded > 0 && (organization.version != organization.loaded
					|| !organization.owner.equals(organization.loadedOwner))) {
				moved.add(new Object[] { organization.version, organization.owner, id.value(), organization.loaded });
			}
		});
		if (!created.isEmpty()) {
			statements.run("INSERT INTO qs_organizations (organization_id, name, owner_user_id, created_at, version) "
					+ "VALUES (?, ?, ?, ?, ?)", created);
		}
		if (!moved.isEmpty()) {
			int[] counts = statements.run(
					"UPDATE qs_organizations SET version = ?, owner_user_id = ? WHERE organization_id = ? AND version = ?",
					moved);
			for (int i = 0; i < counts.length; i++) {
				if (counts[i] == 0) {
					throw new IllegalStateException("The version of " + moved.get(i)[2]
							+ " moved while this poll held it locked at " + moved.get(i)[3]);
				}
			}
		}
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

	/**
	 * An organization's row: as read ({@code loaded} 0 if it had none), and as it ends.
	 */
	private static final class Organization {

		final long loaded;

		final Long loadedOwner;

		long version;

		Long owner;

		/** The event that made its row in this poll, if one did. */
		OrganizationCreated created;

		Organization(long loaded, Long owner) {
			this.loaded = loaded;
			this.loadedOwner = owner;
			this.version = loaded;
			this.owner = owner;
		}

	}

}
