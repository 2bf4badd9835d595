package io.membership.audit.security;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.membership.audit.security.SecurityEventStore.Filter;
import io.membership.audit.security.SecurityEventStore.Stored;
import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.query.view.PermissionView;
import io.membership.web.Caller;
import io.membership.web.PageCursors;
import io.membership.web.Problems;

/**
 * The security events of API.md: an organization's, for its Administrators and Owner (and
 * a {@code membership:audit} service, as the audit trail), and everyone's, for a
 * {@code membership:audit} service only. Newest first, paged like the activity log: an
 * opaque cursor names the last event answered, so events stored between two requests
 * never shift the next page.
 */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
class SecurityEventController {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 200;

	private static final PageCursors CURSORS = new PageCursors("security-before:");

	/** A caller as a token names it: a user id or a service principal's {@code sub}. */
	private static final String CALLER = "[\\x21-\\x7e]{1,64}";

	private final SecurityEventStore store;

	private final PermissionView members;

	SecurityEventController(SecurityEventStore store, PermissionView members) {
		this.store = store;
		this.members = members;
	}

	@GetMapping("/organizations/{organizationId}/security-events")
	Map<String, Object> organizationEvents(@PathVariable String organizationId,
			@RequestParam(required = false) String caller, @RequestParam(required = false) String kind,
			@RequestParam(required = false) String since, @RequestParam(required = false) String until,
			@RequestParam(required = false) String cursor, @RequestParam(required = false) String limit) {
		OrganizationId organization = requireAuditor(organizationId, Caller.current());
		return page(organization.value(), caller, kind, since, until, cursor, limit);
	}

	@GetMapping("/security-events")
	Map<String, Object> allEvents(@RequestParam(required = false) String caller,
			@RequestParam(required = false) String kind, @RequestParam(required = false) String since,
			@RequestParam(required = false) String until, @RequestParam(required = false) String cursor,
			@RequestParam(required = false) String limit) {
		if (!Caller.current().hasScope(Caller.AUDIT_SCOPE)) {
			throw Problems.exception(HttpStatus.FORBIDDEN, "audit_scope_required", null,
					"Every organization's security events need the membership:audit scope.");
		}
		return page(null, caller, kind, since, until, cursor, limit);
	}

	private Map<String, Object> page(String organizationId, String caller, String kind, String since, String until,
			String cursor, String limit) {
		Instant from = instant("since", since);
		Instant to = instant("until", until);
		if (from != null && to != null && from.isAfter(to)) {
			throw invalid("invalid_time_range", "since must not be after until.");
		}
		Filter filter = new Filter(organizationId, caller(caller), kind(kind), from, to, CURSORS.decode(cursor));
		int size = limit(limit);
		List<Stored> rows = this.store.page(filter, size + 1);
		List<Stored> page = (rows.size() > size) ? rows.subList(0, size) : rows;
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("entries", page.stream().map((row) -> row.event().toJson()).toList());
		answer.put("next_cursor", (rows.size() > size) ? CURSORS.encode(page.get(size - 1).seq()) : null);
		return answer;
	}

	/**
	 * As the audit trail: a service with the audit scope, or a member whose role grants
	 * {@code view_activity_log} (Administrators and the Owner). Anyone else who is a
	 * member is refused 403, which is a security event of its own.
	 */
	private OrganizationId requireAuditor(String organizationId, Caller caller) {
		OrganizationId organization;
		try {
			organization = new OrganizationId(organizationId);
		}
		catch (IllegalArgumentException ex) {
			throw Problems.organizationNotFound();
		}
		if (caller.hasScope(Caller.AUDIT_SCOPE)) {
			return organization;
		}
		Role role = this.members.member(organization, caller.user()).orElseThrow(Problems::organizationNotFound).role();
		if (!PermissionMatrix.grantsOrganizationWide(role, Action.VIEW_ACTIVITY_LOG)) {
			throw Problems.actionNotPermitted("Reading security events needs a role that grants view_activity_log "
					+ "(the " + role.label() + " role does not) or the membership:audit scope.");
		}
		return organization;
	}

	private static String caller(String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		String caller = raw.strip();
		if (!caller.matches(CALLER)) {
			throw invalid("invalid_caller",
					"caller must be a user id or a service principal's sub: 1 to 64 printable ASCII characters.");
		}
		return caller;
	}

	private static SecurityEventKind kind(String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		return SecurityEventKind.fromId(raw.strip())
			.orElseThrow(() -> invalid("invalid_kind",
					"kind must be one of forbidden, refused, precondition_failed and invalid_token."));
	}

	private static Instant instant(String name, String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(raw.strip()).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw invalid("invalid_" + name, name + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z.");
		}
	}

	private static int limit(String raw) {
		if (raw == null || raw.isBlank()) {
			return DEFAULT_LIMIT;
		}
		String digits = raw.strip();
		// ASCII digits only: Integer.parseInt would also take a sign and other scripts'
		// digits.
		if (digits.matches("[0-9]{1,3}")) {
			int value = Integer.parseInt(digits);
			if (value >= 1 && value <= MAX_LIMIT) {
				return value;
			}
		}
		throw invalid("invalid_limit", "limit must be an integer from 1 to " + MAX_LIMIT + ".");
	}

	private static ErrorResponseException invalid(String code, String detail) {
		return Problems.exception(HttpStatus.BAD_REQUEST, code, "Invalid request", detail);
	}

}
