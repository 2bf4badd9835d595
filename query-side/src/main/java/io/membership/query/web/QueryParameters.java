package io.membership.query.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import io.membership.events.access.Action;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/** Parses the query parameters every query endpoint shares, each with its own 400. */
final class QueryParameters {

	private QueryParameters() {
	}

	static OrganizationId organization(String raw) {
		try {
			return new OrganizationId(raw);
		}
		catch (IllegalArgumentException ex) {
			throw QueryProblems.organizationNotFound();
		}
	}

	static UserId user(String raw) {
		try {
			return UserId.valueOf(raw);
		}
		catch (IllegalArgumentException ex) {
			throw QueryProblems.invalid("invalid_user_id", "user_id must be a positive integer.");
		}
	}

	static WorkspaceId workspace(String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		try {
			return new WorkspaceId(raw);
		}
		catch (IllegalArgumentException ex) {
			throw QueryProblems.invalid("invalid_workspace_id", ex.getMessage());
		}
	}

	static Action action(String raw) {
		if (raw == null || raw.isBlank()) {
			throw QueryProblems.invalid("missing_action", "action is required.");
		}
		return Action.fromId(raw)
			.orElseThrow(() -> QueryProblems.invalid("unknown_action", "Unknown action '" + raw
					+ "'; the actions are those of GET /api/organizations/{organization_id}/permissions/matrix."));
	}

	/** An RFC 3339 instant, or null when absent. */
	static Instant instant(String name, String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(raw.strip()).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw QueryProblems.invalid("invalid_" + name,
					name + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z.");
		}
	}

}
