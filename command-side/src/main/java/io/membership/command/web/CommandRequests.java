package io.membership.command.web;

import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.membership.events.Limits;
import io.membership.events.access.Role;
import io.membership.events.text.FreeText;

/**
 * The bodies of API.md's command requests, in snake_case on the wire. A role arrives as
 * its two-letter code; an unknown code fails to parse and answers 400. Lengths come from
 * {@link Limits}, which the query side's columns are held to. Every string obeys the text
 * rules when it is read (the web layer's JSON mapper); a {@link FreeText} reason may also
 * hold tabs and line breaks.
 */
final class CommandRequests {

	private CommandRequests() {
	}

	record CreateOrganization(@NotBlank @Size(max = Limits.NAME) String name) {
	}

	/**
	 * {@code projects}: project ids of the organization the invitee is added to on
	 * joining; one of the wrong shape is 400, as in a project path.
	 */
	record InviteUser(@NotBlank @Email @Size(max = Limits.EMAIL) String email, Role role,
			@Size(max = Limits.WORKSPACES_PER_INVITATION) Set<@NotBlank @Size(max = Limits.ID) String> workspaces,
			@Size(max = Limits.WORKSPACES_PER_INVITATION) Set<@NotBlank @Size(max = Limits.ID) String> projects) {
	}

	record AcceptInvitation(@NotNull @Positive Long userId, @NotBlank @Email @Size(max = Limits.EMAIL) String email) {
	}

	record SetMemberRole(@NotNull @Positive Long userId, @NotNull Role role) {
	}

	record ChangeRole(@NotNull Role role, @FreeText @Size(max = Limits.REASON) String reason) {
	}

	record Deactivate(@FreeText @Size(max = Limits.REASON) String reason) {
	}

	record TransferOwnership(@NotNull @Positive Long userId) {
	}

	record CreateWorkspace(@NotBlank @Size(max = Limits.TITLE) String title) {
	}

	record AssignToWorkspace(@NotNull @Positive Long userId) {
	}

	/** The whole project, as PUT has it: an absent setting is false. */
	record RegisterProject(@NotBlank @Size(max = Limits.ID) String workspaceId,
			@NotBlank @Size(max = Limits.TITLE) String title, Boolean annotatorsViewOwnData) {
	}

	/** A project role is {@code AN}, {@code RE}, or absent or null for Inherit. */
	record AddProjectMember(@NotNull @Positive Long userId, Role role,
			@FreeText @Size(max = Limits.REASON) String reason) {
	}

	/** The role must be given: {@code AN}, {@code RE}, or null for Inherit. */
	record ChangeProjectRole(@JsonProperty(required = true) Role role,
			@FreeText @Size(max = Limits.REASON) String reason) {
	}

	/** How many items one bulk request may carry (API.md, "Bulk changes"). */
	static final int BULK_ITEMS = 1000;

	/**
	 * Invitations in bulk. An item is held to the single invitation's rules, and an item
	 * the single invitation would answer 400 makes the whole request 400: nothing is
	 * decided for a body that is not what it should be.
	 */
	record InviteInBulk(@NotNull @Size(min = 1, max = BULK_ITEMS) List<@NotNull @Valid BulkInvitation> invitations) {
	}

	/** One invitation of a bulk request: what the single invitation takes. */
	record BulkInvitation(@NotBlank @Email @Size(max = Limits.EMAIL) String email, Role role,
			@Size(max = Limits.WORKSPACES_PER_INVITATION) Set<@NotBlank @Size(max = Limits.ID) String> workspaces,
			@Size(max = Limits.WORKSPACES_PER_INVITATION) Set<@NotBlank @Size(max = Limits.ID) String> projects) {
	}

	/** Membership changes in bulk, held to the same rule as {@link InviteInBulk}. */
	record ChangeMembershipsInBulk(
			@NotNull @Size(min = 1, max = BULK_ITEMS) List<@NotNull @Valid MembershipChange> changes) {
	}

	/**
	 * What to change about one member; each list at most as long as an invitation's
	 * workspaces.
	 */
	record MembershipChange(@NotNull @Positive Long userId, Role role,
			@Size(max = Limits.WORKSPACES_PER_INVITATION) List<@NotBlank @Size(max = Limits.ID) String> addWorkspaces,
			@Size(max = Limits.WORKSPACES_PER_INVITATION) List<@NotBlank @Size(
					max = Limits.ID) String> removeWorkspaces,
			@Size(max = Limits.WORKSPACES_PER_INVITATION) List<@NotNull @Valid BulkProjectMembership> addProjects,
			@Size(max = Limits.WORKSPACES_PER_INVITATION) List<@NotBlank @Size(
					max = Limits.ID) String> removeProjects) {
	}

	/**
	 * A project to add the member to: role {@code AN}, {@code RE}, or absent (Inherit).
	 */
	record BulkProjectMembership(@NotBlank @Size(max = Limits.ID) String projectId, Role role) {
	}

}
