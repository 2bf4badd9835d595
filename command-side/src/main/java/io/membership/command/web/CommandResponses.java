package io.membership.command.web;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.membership.events.access.Role;

/**
 * What accepted commands answer. Every answer carries the organization's {@code version}
 * after the command, also sent as the {@code ETag}.
 */
final class CommandResponses {

	private CommandResponses() {
	}

	record OrganizationCreated(String organizationId, String name, long ownerUserId, long version) {
	}

	record Invitation(String invitationId, String token, String inviteUrl, Instant expiresAt, long version) {
	}

	record InviteLink(String inviteUrl, String token, long version) {
	}

	record Joined(String organizationId, long userId, Role role, long version) {
	}

	record Membership(long userId, Role role, long version) {
	}

	record MemberRemoved(long userId, boolean removed, long version) {
	}

	record Ownership(long ownerUserId, long previousOwnerUserId, long version) {
	}

	record Workspace(String workspaceId, String title, long version) {
	}

	record WorkspaceMembership(String workspaceId, long userId, boolean assigned, long version) {
	}

	record Project(String projectId, String workspaceId, String title, boolean annotatorsViewOwnData, long version) {
	}

	record ProjectRemoved(String projectId, boolean removed, long version) {
	}

	/**
	 * {@code role} is the project role ({@code null}: Inherit, or no longer a member).
	 */
	record ProjectMembership(String projectId, long userId, Role role, boolean member, long version) {
	}

	record Version(long version) {
	}

	/** A bulk request's answer: every item's result in request order. */
	record Bulk(long version, List<BulkItem> results) {
	}

	/**
	 * One item's result: its {@code status} (what the single command would have
	 * answered), the item's subject ({@code email} or {@code user_id}), and either what
	 * the single command answers or its problem's {@code code} and {@code detail}.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record BulkItem(int status, String email, Long userId, String invitationId, String token, String inviteUrl,
			Instant expiresAt, Role role, Long version, String code, String detail) {

		static BulkItem invited(String email, String invitationId, String token, String inviteUrl, Instant expiresAt,
				long version) {
			return new BulkItem(201, email, null, invitationId, token, inviteUrl, expiresAt, null, version, null, null);
		}

		static BulkItem changed(long userId, Role role, long version) {
			return new BulkItem(200, null, userId, null, null, null, null, role, version, null, null);
		}

		/**
		 * An item an atomic request would have accepted: only its status, since nothing
		 * of it was stored (no token for an invitation that does not exist).
		 */
		static BulkItem notStored(int status, String email, Long userId) {
			return new BulkItem(status, email, userId, null, null, null, null, null, null, null, null);
		}

		static BulkItem refused(int status, String email, Long userId, String code, String detail) {
			return new BulkItem(status, email, userId, null, null, null, null, null, null, code, detail);
		}

	}

}
