package io.membership.command.web;

import java.time.Instant;

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

}
