package io.membership.query.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

import io.membership.events.MembershipEvent;
import io.membership.events.access.Action;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.web.Problems;

/** Parses the query parameters every query endpoint shares, each with its own 400. */
final class QueryParameters {

	private QueryParameters() {
	}

	static OrganizationId organization(String raw) {
		try {
			return new OrganizationId(raw);
		}
		catch (IllegalArgumentException ex) {
			throw Problems.organizationNotFound();
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

	/**
	 * A workspace id to filter by, or null when absent. One this service cannot have
	 * issued is 400 {@code invalid_workspace_id}, never a lookup.
	 */
	static WorkspaceId workspace(String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		if (!WorkspaceId.isWellFormed(raw)) {
			throw QueryProblems.invalid("invalid_workspace_id", "The workspace id is not one this service issues.");
		}
		return new WorkspaceId(raw);
	}

	/**
	 * A project id to check, or null when absent. The door refuses one outside the
	 * allowed characters already; this is the same rule.
	 */
	static ProjectId project(String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		if (!ProjectId.isWellFormed(raw)) {
			throw QueryProblems.invalid("invalid_project_id",
					"A project id is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'.");
		}
		return new ProjectId(raw);
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

	/** A user id in a filter named {@code name}, or null when absent. */
	static UserId optionalUser(String name, String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		try {
			return UserId.valueOf(raw.strip());
		}
		catch (IllegalArgumentException ex) {
			throw QueryProblems.invalid("invalid_" + name, name + " must be a user id, a positive integer.");
		}
	}

	/**
	 * A comma-separated list of role codes ({@code AN,RE}); empty when absent. An unknown
	 * code is 400 {@code unknown_role}.
	 */
	static Set<Role> roles(String raw) {
		Set<Role> roles = EnumSet.noneOf(Role.class);
		if (raw == null) {
			return roles;
		}
		for (String code : raw.split(",")) {
			if (code.isBlank()) {
				continue;
			}
			roles.add(Role.fromCode(code.strip())
				.orElseThrow(() -> QueryProblems.invalid("unknown_role",
						"Unknown role code '" + code.strip() + "'; the codes are OW, AD, MA, RE, AN, NO and DI.")));
		}
		return roles;
	}

	/**
	 * A comma-separated list of event types as the activity log names them
	 * ({@code MemberRoleChanged}, or the CloudEvents type
	 * {@code membership.MemberRoleChanged.v1}); empty when absent. An unknown type is 400
	 * {@code unknown_type}.
	 */
	static Set<String> eventTypes(String raw) {
		Set<String> types = new TreeSet<>();
		if (raw == null) {
			return types;
		}
		for (String name : raw.split(",")) {
			if (name.isBlank()) {
				continue;
			}
			types.add(MembershipEvent.typeNamed(name.strip())
				.orElseThrow(() -> QueryProblems.invalid("unknown_type",
						"Unknown event type '" + name.strip() + "', such as MemberRoleChanged."))
				.getSimpleName());
		}
		return Collections.unmodifiableSet(types);
	}

	/** Free text to search for, or null when absent or blank. */
	static String search(String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		String search = raw.strip();
		if (search.length() > 254) {
			throw QueryProblems.invalid("invalid_search", "search must be at most 254 characters.");
		}
		return search;
	}

	/**
	 * An integer between {@code min} and {@code max}, or the default when absent;
	 * anything else is 400 {@code invalid_<name>}.
	 */
	static int integer(String name, String raw, int defaultValue, int min, int max) {
		if (raw == null || raw.isBlank()) {
			return defaultValue;
		}
		String digits = raw.strip();
		// ASCII digits only: Integer.parseInt would also take a sign and other scripts'
		// digits.
		if (digits.matches("[0-9]{1,10}")) {
			try {
				int value = Integer.parseInt(digits);
				if (value >= min && value <= max) {
					return value;
				}
			}
			catch (NumberFormatException ex) {
				// answered below
			}
		}
		throw QueryProblems.invalid("invalid_" + name, name + " must be an integer from " + min + " to " + max + ".");
	}

}
