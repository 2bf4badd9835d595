package io.membership.query.projection;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.InvitationRevoked;
import io.membership.events.MemberActivated;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRoleChanged;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.UserInvited;
import io.membership.events.access.Role;
import io.membership.events.ids.UserId;
import io.membership.query.read.Timestamps;

/**
 * The members as they are now ({@code qs_members}), the invitations they join by
 * ({@code qs_invitations}: the member list shows who invited a member and when), and the
 * organization's Owner in {@code qs_organizations}, which moves with the Owner's role.
 */
final class MembersWriter {

	private final JdbcClient jdbc;

	private final Applying applying;

	MembersWriter(JdbcClient jdbc, Applying applying) {
		this.jdbc = jdbc;
		this.applying = applying;
	}

	void created(OrganizationCreated created) {
		insertMember(created.ownerUserId(), created.ownerEmail(), Role.OWNER, null, null);
	}

	void invited(UserInvited invited) {
		this.jdbc
			.sql("INSERT INTO qs_invitations (organization_id, invitation_id, email, role, invited_at, invited_by, "
					+ "expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING')")
			.params(this.applying.organization().value(), invited.invitationId().value(), invited.email(),
					StoredRole.code(invited.role()), this.applying.at(), invited.actorUserId().value(),
					Timestamps.utc(invited.expiresAt()))
			.update();
	}

	void revoked(InvitationRevoked revoked) {
		setInvitationStatus(revoked.invitationId().value(), "REVOKED");
	}

	void joined(MemberJoined joined) {
		OffsetDateTime invitedAt = null;
		Long invitedBy = null;
		if (joined.invitationId() != null) {
			Optional<Object[]> invitation = this.jdbc.sql(
					"SELECT invited_at, invited_by FROM qs_invitations WHERE organization_id = ? AND invitation_id = ?")
				.params(this.applying.organization().value(), joined.invitationId().value())
				.query((row, number) -> new Object[] { row.getObject(1, OffsetDateTime.class), row.getLong(2) })
				.optional();
			if (invitation.isPresent()) {
				invitedAt = (OffsetDateTime) invitation.get()[0];
				invitedBy = (Long) invitation.get()[1];
			}
			setInvitationStatus(joined.invitationId().value(), "ACCEPTED");
		}
		insertMember(joined.userId(), joined.email(), joined.role(), invitedAt, invitedBy);
	}

	void activated(MemberActivated activated) {
		updateRole(activated.userId(), activated.toRole(), true);
	}

	void roleChanged(MemberRoleChanged changed) {
		updateRole(changed.userId(), changed.toRole(), false);
	}

	void deactivated(MemberDeactivated deactivated) {
		updateRole(deactivated.userId(), Role.DEACTIVATED, false);
	}

	void ownershipTransferred(OwnershipTransferred transferred) {
		updateRole(transferred.previousOwnerUserId(), Role.ADMINISTRATOR, false);
		updateRole(transferred.newOwnerUserId(), Role.OWNER, false);
		this.jdbc.sql("UPDATE qs_organizations SET owner_user_id = ? WHERE organization_id = ?")
			.params(transferred.newOwnerUserId().value(), this.applying.organization().value())
			.update();
	}

	private void insertMember(UserId user, String email, Role role, OffsetDateTime invitedAt, Long invitedBy) {
		OffsetDateTime at = this.applying.at();
		this.jdbc
			.sql("INSERT INTO qs_members (organization_id, user_id, email, role, invited_at, invited_by, joined_at, "
					+ "activated_at, role_changed_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")
			.params(this.applying.organization().value(), user.value(), email, role.code(), invitedAt, invitedBy, at,
					role.isActive() ? at : null, this.applying.version())
			.update();
	}

	private void updateRole(UserId user, Role role, boolean activation) {
		OffsetDateTime at = this.applying.at();
		String activatedAt = activation ? ", activated_at = ?" : "";
		List<Object> params = new ArrayList<>(List.of(role.code(), at, this.applying.version()));
		if (activation) {
			params.add(at);
		}
		params.add(this.applying.organization().value());
		params.add(user.value());
		this.jdbc
			.sql("UPDATE qs_members SET role = ?, role_changed_at = ?, version = ?" + activatedAt
					+ " WHERE organization_id = ? AND user_id = ?")
			.params(params)
			.update();
	}

	private void setInvitationStatus(String invitation, String status) {
		this.jdbc.sql("UPDATE qs_invitations SET status = ? WHERE organization_id = ? AND invitation_id = ?")
			.params(status, this.applying.organization().value(), invitation)
			.update();
	}

}
