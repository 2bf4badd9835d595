package io.membership.query.projection;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.InvitationRevoked;
import io.membership.events.MemberActivated;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
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
 * organization's Owner in {@code qs_organizations}, which moves with the Owner's role. No
 * address: the reads take it from {@code qs_personal_data}
 * ({@link PersonalDataProjection}).
 */
final class MembersWriter {

	private final JdbcClient jdbc;

	private final Applying applying;

	MembersWriter(JdbcClient jdbc, Applying applying) {
		this.jdbc = jdbc;
		this.applying = applying;
	}

	void created(OrganizationCreated created) {
		insertMember(created.ownerUserId(), Role.OWNER, null, null);
	}

	void invited(UserInvited invited) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("organization_id", this.applying.organization().value());
		row.put("invitation_id", invited.invitationId().value());
		row.put("role", StoredRole.code(invited.role()));
		row.put("invited_at", this.applying.at());
		row.put("invited_by", invited.actorUserId().value());
		row.put("expires_at", Timestamps.utc(invited.expiresAt()));
		row.put("status", "PENDING");
		invitations().insert(row);
	}

	void revoked(InvitationRevoked revoked) {
		setInvitationStatus(revoked.invitationId().value(), "REVOKED");
	}

	void joined(MemberJoined joined) {
		OffsetDateTime invitedAt = null;
		Long invitedBy = null;
		if (joined.invitationId() != null) {
			Optional<Map<String, Object>> invitation = invitations().current(
					List.of(this.applying.organization().value(), joined.invitationId().value()),
					this::storedInvitation);
			if (invitation.isPresent()) {
				invitedAt = (OffsetDateTime) invitation.get().get("invited_at");
				invitedBy = (Long) invitation.get().get("invited_by");
			}
			setInvitationStatus(joined.invitationId().value(), "ACCEPTED");
		}
		insertMember(joined.userId(), joined.role(), invitedAt, invitedBy);
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

	/**
	 * A removed member is no member now; joining again makes a new row, with new join and
	 * activation times.
	 */
	void removed(MemberRemoved removed) {
		this.applying.batch().members.delete(List.of(this.applying.organization().value(), removed.userId().value()));
	}

	void ownershipTransferred(OwnershipTransferred transferred) {
		updateRole(transferred.previousOwnerUserId(), Role.ADMINISTRATOR, false);
		updateRole(transferred.newOwnerUserId(), Role.OWNER, false);
		this.applying.batch().organizations.ownerIs(this.applying.organization(), transferred.newOwnerUserId());
	}

	private void insertMember(UserId user, Role role, OffsetDateTime invitedAt, Long invitedBy) {
		OffsetDateTime at = this.applying.at();
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("organization_id", this.applying.organization().value());
		row.put("user_id", user.value());
		row.put("role", role.code());
		row.put("invited_at", invitedAt);
		row.put("invited_by", invitedBy);
		row.put("joined_at", at);
		row.put("activated_at", role.isActive() ? at : null);
		row.put("role_changed_at", null);
		row.put("version", this.applying.version());
		this.applying.batch().members.insert(row);
	}

	private void updateRole(UserId user, Role role, boolean activation) {
		OffsetDateTime at = this.applying.at();
		Map<String, Object> columns = new LinkedHashMap<>();
		columns.put("role", role.code());
		columns.put("role_changed_at", at);
		columns.put("version", this.applying.version());
		if (activation) {
			columns.put("activated_at", at);
		}
		this.applying.batch().members.update(List.of(this.applying.organization().value(), user.value()), columns);
	}

	private void setInvitationStatus(String invitation, String status) {
		invitations().update(List.of(this.applying.organization().value(), invitation), Map.of("status", status));
	}

	private TableChanges invitations() {
		return this.applying.batch().invitations;
	}

	/** An invitation as the table holds it: only what a member joining by it needs. */
	private Optional<Map<String, Object>> storedInvitation(List<Object> key) {
		return this.jdbc
			.sql("SELECT invited_at, invited_by FROM qs_invitations WHERE organization_id = ? AND invitation_id = ?")
			.params(key)
			.query((row, number) -> {
				Map<String, Object> invitation = new LinkedHashMap<>();
				invitation.put("invited_at", row.getObject(1, OffsetDateTime.class));
				invitation.put("invited_by", row.getLong(2));
				return invitation;
			})
			.optional();
	}

}
