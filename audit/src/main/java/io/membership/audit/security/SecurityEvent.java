package io.membership.audit.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A security event as it is stored, answered and published: one refused request, or
 * {@code count} identical ones of one caller within a minute folded together. It holds no
 * request body, no token and no e-mail address: {@code path} is the route template
 * ({@code /api/invitations/{token}/accept}), never the request's path or query string.
 *
 * @param eventId the same for every identical event of the minute, on every instance
 * ({@link #idOf})
 * @param occurredAt the first of the folded events, to the millisecond
 * @param organizationId the organization the request named, or null
 * @param caller the token's user id or a service principal's {@code sub}; null for an
 * invalid token, whose claims prove nothing
 * @param action the permission action the request named ({@code action=} of a check), or
 * null
 * @param subjectUserId the member the request was about, from its route or its
 * {@code user_id=}, or null
 * @param code the problem {@code code} the request was answered with
 * @param correlationId the first folded request's
 * @param sourceIp the address the request came from
 * @param count how many identical events this one stands for
 */
public record SecurityEvent(UUID eventId, Instant occurredAt, String organizationId, String caller,
		SecurityEventKind kind, String method, String path, String action, Long subjectUserId, String code,
		String correlationId, String sourceIp, long count) {

	/**
	 * One refused request, at {@code now} (to the millisecond, as the database keeps it).
	 */
	public static SecurityEvent occurred(Instant now, SecurityEventKind kind, Request request) {
		Instant occurredAt = now.truncatedTo(ChronoUnit.MILLIS);
		return new SecurityEvent(idOf(occurredAt, kind, request), occurredAt, request.organizationId(),
				request.caller(), kind, request.method(), request.path(), request.action(), request.subjectUserId(),
				request.code(), request.correlationId(), request.sourceIp(), 1);
	}

	/**
	 * The id of every event identical to this one within its minute: a name-based UUID of
	 * what makes events identical, so the instances that see them fold into one row. The
	 * source address is part of it: a flood of invalid tokens names no caller, and one
	 * from many addresses is many events. The correlation id is not: every request has
	 * its own.
	 */
	static UUID idOf(Instant occurredAt, SecurityEventKind kind, Request request) {
		String identity = String.join("\u0000", "security-event-v1",
				Long.toString(occurredAt.truncatedTo(ChronoUnit.MINUTES).getEpochSecond()), kind.id(),
				String.valueOf(request.caller()), String.valueOf(request.organizationId()), request.method(),
				request.path(), String.valueOf(request.action()), String.valueOf(request.subjectUserId()),
				request.code(), request.sourceIp());
		return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8));
	}

	SecurityEvent withCount(long total) {
		return new SecurityEvent(this.eventId, this.occurredAt, this.organizationId, this.caller, this.kind,
				this.method, this.path, this.action, this.subjectUserId, this.code, this.correlationId, this.sourceIp,
				total);
	}

	/**
	 * The event as the API answers it and the topic carries it, one definition for both:
	 * every field, absent ones as null.
	 */
	public Map<String, Object> toJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("event_id", this.eventId.toString());
		json.put("occurred_at", this.occurredAt.toString());
		json.put("organization_id", this.organizationId);
		json.put("caller", this.caller);
		json.put("kind", this.kind.id());
		json.put("method", this.method);
		json.put("path", this.path);
		json.put("action", this.action);
		json.put("subject_user_id", this.subjectUserId);
		json.put("code", this.code);
		json.put("correlation_id", this.correlationId);
		json.put("source_ip", this.sourceIp);
		json.put("count", this.count);
		return json;
	}

	/**
	 * What a refused request is recorded by, as the web layer saw it.
	 *
	 * @param path the route template the request matched, or {@value #NO_ROUTE}
	 */
	public record Request(String organizationId, String caller, String method, String path, String action,
			Long subjectUserId, String code, String correlationId, String sourceIp) {

		/** The path of a request that matched no endpoint: its own path is not kept. */
		public static final String NO_ROUTE = "(no route)";

		/**
		 * Whatever a client could make long (a method, an address behind a proxy) is cut
		 * to its column, so a refused request is always recorded.
		 */
		public Request {
			caller = fit(caller, 255);
			method = fit(method, 16);
			path = fit(path, 255);
			action = fit(action, 64);
			code = fit(code, 64);
			correlationId = fit(correlationId, 255);
			sourceIp = fit(sourceIp, 64);
		}

		private static String fit(String value, int most) {
			return (value != null && value.length() > most) ? value.substring(0, most) : value;
		}

	}

}
