package io.membership.infra.faults;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.membership.infra.faults.RawHttp.Response;
import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.TestOrganization;

/**
 * Generates requests that must all be refused, over every endpoint of the service: each
 * one carries at least one defect that makes it invalid (a forged or missing token, a
 * malformed or wrongly typed or oversized body, a path to nothing, a header the API
 * refuses, a method the path does not take, a caller who may not do it), often with more
 * noise on top (odd Unicode, unknown fields, huge numbers). Seeded, so a failure is
 * reproduced by running the same seed again.
 *
 * <p>
 * The run checks every answer is a 4xx: never a 5xx, never an acceptance. The caller
 * checks that nothing was stored.
 */
final class RequestFuzzer {

	/** A body field of an endpoint, and what a valid value looks like. */
	private enum Field {

		NAME("name", 200), TITLE("title", 200), EMAIL("email", 254), ROLE("role", 2), USER_ID("user_id", 0),
		REASON("reason", 1000), WORKSPACES("workspaces", 0);

		final String json;

		final int max;

		Field(String json, int max) {
			this.json = json;
			this.max = max;
		}

	}

	/**
	 * An endpoint: method, path template ({org}, {user}, {ws}, {invitation}, {token}),
	 * its body fields, which of them are required, and whether it is a command (which
	 * reads the correlation and {@code If-Match} headers).
	 */
	private record Endpoint(String method, String template, List<Field> fields, List<Field> required, boolean command,
			boolean json) {

		boolean hasBody() {
			return !this.fields.isEmpty();
		}

	}

	private static final List<Endpoint> ENDPOINTS = List.of(
			new Endpoint("POST", "/api/organizations", List.of(Field.NAME), List.of(Field.NAME), true, true),
			new Endpoint("POST", "/api/organizations/{org}/invitations",
					List.of(Field.EMAIL, Field.ROLE, Field.WORKSPACES), List.of(Field.EMAIL), true, true),
			new Endpoint("DELETE", "/api/organizations/{org}/invitations/{invitation}", List.of(), List.of(), true,
					true),
			new Endpoint("GET", "/api/organizations/{org}/invite-link", List.of(), List.of(), true, true),
			new Endpoint("POST", "/api/organizations/{org}/invite-link/reset", List.of(), List.of(), true, true),
			new Endpoint("POST", "/api/invitations/{token}/accept", List.of(Field.USER_ID, Field.EMAIL),
					List.of(Field.USER_ID, Field.EMAIL), true, true),
			new Endpoint("PATCH", "/api/organizations/{org}/memberships", List.of(Field.USER_ID, Field.ROLE),
					List.of(Field.USER_ID, Field.ROLE), true, true),
			new Endpoint("POST", "/api/organizations/{org}/memberships/{user}/activate",
					List.of(Field.ROLE, Field.REASON), List.of(Field.ROLE), true, true),
			new Endpoint("POST", "/api/organizations/{org}/memberships/{user}/role", List.of(Field.ROLE, Field.REASON),
					List.of(Field.ROLE), true, true),
			new Endpoint("POST", "/api/organizations/{org}/memberships/{user}/deactivate", List.of(Field.REASON),
					List.of(), true, true),
			new Endpoint("DELETE", "/api/organizations/{org}/memberships/{user}", List.of(), List.of(), true, true),
			new Endpoint("POST", "/api/organizations/{org}/ownership", List.of(Field.USER_ID), List.of(Field.USER_ID),
					true, true),
			new Endpoint("POST", "/api/organizations/{org}/workspaces", List.of(Field.TITLE), List.of(Field.TITLE),
					true, true),
			new Endpoint("POST", "/api/organizations/{org}/workspaces/{ws}/memberships", List.of(Field.USER_ID),
					List.of(Field.USER_ID), true, true),
			new Endpoint("DELETE", "/api/organizations/{org}/workspaces/{ws}/memberships/{user}", List.of(), List.of(),
					true, true),
			new Endpoint("GET", "/api/organizations/{org}/permissions/check?user_id={user}&action=invite_users",
					List.of(), List.of(), false, true),
			new Endpoint("GET", "/api/organizations/{org}/memberships/{user}/permissions", List.of(), List.of(), false,
					true),
			new Endpoint("GET", "/api/organizations/{org}/permissions/subjects?action=invite_users", List.of(),
					List.of(), false, true),
			new Endpoint("GET", "/api/organizations/{org}/permissions/matrix", List.of(), List.of(), false, true),
			new Endpoint("GET", "/api/organizations/{org}/audit/events", List.of(), List.of(), false, false),
			new Endpoint("GET", "/api/audit/events", List.of(), List.of(), false, false),
			new Endpoint("GET", "/api/organizations/{org}/audit/checkpoints", List.of(), List.of(), false, true),
			new Endpoint("POST", "/api/organizations/{org}/audit/checkpoints", List.of(), List.of(), false, true),
			new Endpoint("GET", "/api/audit/public-key", List.of(), List.of(), false, true),
			new Endpoint("GET", "/api/organizations/{org}/security-events", List.of(), List.of(), false, true),
			new Endpoint("GET", "/api/security-events", List.of(), List.of(), false, true));

	/** Paths that are open without a token; only wrong methods are sent to them. */
	/** Open without a token on the API port (health is on the management port). */
	private static final List<String> OPEN_PATHS = List.of("/openapi.yaml", "/v3/api-docs");

	private static final String[] ODD = { "\u0000", "\u202e", "\u200b", "\ufeff", "\ud83d\ude00", "e\u0301",
			"\u0645\u0631\u062d\u0628\u0627", "\u4f60\u597d", "\uffff", "\\ud800", "\\udfff", "\u00a0", "\t", "\u2028",
			"%00", "'; DROP TABLE domainevententry; --", "${jndi:ldap://x}", "<script>", "../../", "\\" };

	private static final String[] BAD_ROLES = { "XX", "OWN", "ow ", " AD", "A D", "AD\u200b", "\uff21\uff24", "OWNER",
			"Administrator", "1", "null", "\u0000AD", "AD;", "*" };

	private static final String[] BAD_NUMBERS = { "0", "-1", "-9223372036854775808", "99999999999999999999999", "1e400",
			"-1e400", "\"NaN\"", "\"abc\"", "\"\u0661\"", "{}", "[]", "[1]", "\"\"" };

	private static final String[] MALFORMED = { "{", "}", "{\"", "{\"name\"", "{\"name\":}", "{name:\"x\"}",
			"{'name':'x'}", "{\"name\":\"x\",}", "{/* c */\"name\":\"x\"}", "[", "nul", "tru", "{\"a\":NaN}", "<xml/>",
			"name=x", "\"unterminated", "{\"name\":\"\\uZZZZ\"}", "{\"name\":\"x\"\"title\":\"y\"}" };

	private final Random random;

	private final FuzzTarget target;

	private final Map<String, Integer> byCategory = new TreeMap<>();

	private final Map<Integer, Integer> byStatus = new TreeMap<>();

	private final List<String> violations = new ArrayList<>();

	private int problems;

	RequestFuzzer(long seed, FuzzTarget target) {
		this.random = new Random(seed);
		this.target = target;
	}

	/**
	 * The organization the requests are aimed at, its Owner, a member with the Annotator
	 * role, a workspace, a pending invitation and its token, and a user who belongs to no
	 * organization.
	 */
	record FuzzTarget(int port, String organizationId, long ownerId, long annotatorId, String workspaceId,
			String invitationId, String invitationToken, long outsiderId) {

		/** Creates the organization to aim at, over HTTP, in the service on this port. */
		static FuzzTarget prepare(int port) {
			TestOrganization organization = TestOrganization.create(port);
			long annotator = organization.join("AN").userId();
			String workspace = organization.createWorkspace("Fuzzed");
			JsonNode invitation = organization.invite("pending@fuzz.test", "RE").json();
			return new FuzzTarget(port, organization.id(), organization.ownerId(), annotator, workspace,
					invitation.get("invitation_id").asString(), invitation.get("token").asString(),
					TestOrganization.newUserId());
		}

	}

	/** One generated request and why it must be refused. */
	record Fuzzed(String category, String method, byte[] target, List<Map.Entry<String, byte[]>> headers, byte[] body) {

		String describe() {
			String body = (this.body == null) ? "" : new String(this.body, StandardCharsets.UTF_8);
			return this.category + ": " + this.method + " " + new String(this.target, StandardCharsets.UTF_8)
					+ " headers "
					+ this.headers.stream()
						.map((header) -> header.getKey() + "="
								+ abbreviate(new String(header.getValue(), StandardCharsets.UTF_8)))
						.toList()
					+ " body " + abbreviate(body);
		}

	}

	/** What a run found. */
	record Outcome(int requests, Map<String, Integer> byCategory, Map<Integer, Integer> byStatus, int problems,
			List<String> violations) {

		/** Requests per kind of defect (token, body, path, header, method, caller). */
		Map<String, Integer> byDefect() {
			Map<String, Integer> defects = new TreeMap<>();
			this.byCategory.forEach((category, count) -> defects.merge(category.substring(0, category.indexOf(':')),
					count, Integer::sum));
			return defects;
		}

		@Override
		public String toString() {
			return "%d requests (%d kinds of defect, by part %s); statuses %s; %d answered as problem details"
				.formatted(this.requests, this.byCategory.size(), byDefect(), new TreeMap<>(this.byStatus),
						this.problems);
		}

	}

	/** Sends {@code count} generated requests and records what came back. */
	Outcome run(int count) {
		for (int i = 0; i < count; i++) {
			Fuzzed request = next();
			Response response = RawHttp.send(this.target.port(), request.method(), request.target(), request.headers(),
					request.body());
			this.byCategory.merge(request.category(), 1, Integer::sum);
			this.byStatus.merge(response.status(), 1, Integer::sum);
			if (response.isProblem()) {
				this.problems++;
			}
			if (response.status() < 400 || response.status() > 499) {
				this.violations.add("#" + i + " answered "
						+ ((response.status() < 0) ? response.failure() : response.status() + " " + response.code())
						+ " to " + request.describe());
			}
			else if (!response.isProblem() && !"HEAD".equals(request.method())) {
				this.violations.add("#" + i + " answered " + response.status() + " as " + response.contentType()
						+ ", not problem details, to " + request.describe());
			}
		}
		return new Outcome(count, Map.copyOf(this.byCategory), Map.copyOf(this.byStatus), this.problems,
				List.copyOf(this.violations));
	}

	/** One request with at least one defect. */
	Fuzzed next() {
		int dice = this.random.nextInt(100);
		if (dice < 20) {
			return forgedToken();
		}
		if (dice < 50) {
			return badBody();
		}
		if (dice < 65) {
			return badPath();
		}
		if (dice < 80) {
			return badHeader();
		}
		if (dice < 90) {
			return wrongMethod();
		}
		return wrongCaller();
	}

	// --- Defects ---------------------------------------------------------------------

	private Fuzzed forgedToken() {
		Endpoint endpoint = pick(ENDPOINTS);
		List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
		String owner = Long.toString(this.target.ownerId());
		Instant later = Instant.now().plusSeconds(600);
		String valid = ApiClient.token(owner, null, later, ApiClient.TEST_SECRET);
		String[] parts = valid.split("\\.");
		String kind;
		switch (this.random.nextInt(12)) {
			case 0 -> kind = "no token";
			case 1 -> {
				kind = "empty bearer";
				headers.add(header("Authorization", "Bearer "));
			}
			case 2 -> {
				kind = "garbage bearer";
				headers.add(header("Authorization", "Bearer " + randomAscii(1 + this.random.nextInt(300))));
			}
			case 3 -> {
				kind = "signed with another secret";
				headers.add(header("Authorization",
						"Bearer " + ApiClient.token(owner, null, later, "another-secret-of-at-least-32-bytes!!")));
			}
			case 4 -> {
				kind = "alg none";
				String unsigned = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
				headers.add(header("Authorization", "Bearer " + unsigned));
			}
			case 5 -> {
				kind = "expired";
				headers.add(header("Authorization", "Bearer "
						+ ApiClient.token(owner, null, Instant.now().minusSeconds(3600), ApiClient.TEST_SECRET)));
			}
			case 6 -> {
				kind = "no exp";
				headers.add(
						header("Authorization", "Bearer " + ApiClient.token(owner, null, null, ApiClient.TEST_SECRET)));
			}
			case 7 -> {
				kind = "sub not a user id";
				String subject = pick(List.of("0", "-1", "abc", "1.0", "99999999999999999999", "\u0661", " 1", "1 ",
						"0x10", "1e3", "" + this.target.ownerId() + "\u200b"));
				headers.add(header("Authorization",
						"Bearer " + ApiClient.token(subject, null, later, ApiClient.TEST_SECRET)));
			}
			case 8 -> {
				kind = "tampered claims";
				String claims = base64("{\"sub\":\"" + this.target.outsiderId() + "\",\"exp\":" + later.getEpochSecond()
						+ ",\"scope\":\"membership:audit membership:invitations\"}");
				headers.add(header("Authorization", "Bearer " + parts[0] + "." + claims + "." + parts[2]));
			}
			case 9 -> {
				kind = "basic auth";
				headers.add(header("Authorization", "Basic " + base64(owner + ":password")));
			}
			case 10 -> {
				kind = "token in the query";
				return new Fuzzed("token: " + kind, endpoint.method(),
						bytes(path(endpoint) + (path(endpoint).contains("?") ? "&" : "?") + "access_token=" + valid),
						withBody(endpoint, headers), body(endpoint));
			}
			default -> {
				kind = "two tokens";
				headers.add(header("Authorization", "Bearer " + valid));
				headers.add(header("Authorization", "Bearer " + randomAscii(40)));
			}
		}
		return new Fuzzed("token: " + kind, endpoint.method(), bytes(path(endpoint)), withBody(endpoint, headers),
				body(endpoint));
	}

	private Fuzzed badBody() {
		Endpoint endpoint = pick(ENDPOINTS.stream().filter(Endpoint::hasBody).toList());
		List<Map.Entry<String, byte[]>> headers = owner();
		headers.add(header("Content-Type", "application/json"));
		Map<Field, String> values = validValues(endpoint);
		String kind;
		byte[] body;
		switch (this.random.nextInt(12)) {
			case 0 -> {
				kind = "malformed JSON";
				body = bytes(pick(List.of(MALFORMED)));
			}
			case 1 -> {
				kind = "truncated JSON";
				String whole = json(values);
				body = bytes(whole.substring(0, 1 + this.random.nextInt(whole.length() - 2)));
			}
			case 2 -> {
				kind = "not an object";
				body = bytes(pick(List.of("[]", "[" + json(values) + "]", "\"text\"", "123", "true", "[null]")));
			}
			case 3 -> {
				kind = "unknown field";
				values.put(null, "\"" + oddText(1 + this.random.nextInt(20)) + "\"");
				body = bytes(json(values));
			}
			case 4 -> {
				kind = "wrong type";
				Field field = pick(endpoint.fields());
				values.put(field, wrongType(field));
				body = bytes(json(values));
			}
			case 5 -> {
				Field field = pick(endpoint.required());
				if (endpoint.required().isEmpty() || field == null) {
					kind = "unknown field";
					values.put(null, "true");
				}
				else {
					kind = "required field missing or null";
					if (this.random.nextBoolean()) {
						values.remove(field);
					}
					else {
						values.put(field, "null");
					}
				}
				body = bytes(json(values));
			}
			case 6 -> {
				Field field = pick(endpoint.fields().stream().filter((f) -> f.max > 2).toList());
				if (field == null) {
					kind = "bad number";
					values.put(Field.USER_ID, pick(List.of(BAD_NUMBERS)));
				}
				else {
					kind = "string too long";
					values.put(field, "\"" + oddText(field.max + 1 + this.random.nextInt(3 * field.max)) + "\"");
				}
				body = bytes(json(values));
			}
			case 7 -> {
				kind = "unknown role code";
				// Where the endpoint takes no role, "role" is an unknown field as well.
				values.put(Field.ROLE, "\"" + escape(pick(List.of(BAD_ROLES))) + "\"");
				body = bytes(json(values));
			}
			case 8 -> {
				kind = "huge number";
				// Where the endpoint takes no user id, "user_id" is an unknown field as
				// well.
				values.put(Field.USER_ID, pick(List.of(BAD_NUMBERS)));
				body = bytes(json(values));
			}
			case 9 -> {
				kind = "deep nesting";
				int depth = 600 + this.random.nextInt(3000);
				values.put(pick(endpoint.fields()), "[".repeat(depth) + "]".repeat(depth));
				body = bytes(json(values));
			}
			case 10 -> {
				kind = "body over 64 KiB";
				values.put(null, "\"" + "x".repeat(65_536 + this.random.nextInt(100_000)) + "\"");
				body = bytes(json(values));
			}
			default -> {
				kind = "invalid UTF-8";
				byte[] valid = bytes(json(values));
				byte[] broken = new byte[valid.length + 2];
				System.arraycopy(valid, 0, broken, 0, valid.length);
				int at = 1 + this.random.nextInt(valid.length - 1);
				System.arraycopy(valid, at, broken, at + 2, valid.length - at);
				broken[at] = (byte) 0xC3;
				broken[at + 1] = (byte) 0x28;
				body = broken;
			}
		}
		return new Fuzzed("body: " + kind, endpoint.method(), bytes(path(endpoint)), headers, body);
	}

	private Fuzzed badPath() {
		Endpoint endpoint = pick(ENDPOINTS);
		List<Map.Entry<String, byte[]>> headers = withBody(endpoint, owner());
		String path = path(endpoint);
		String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
		String organization = this.target.organizationId();
		String elsewhere = "org_" + randomHex(32);
		boolean aboutOrganization = endpoint.template().contains("{org}");
		String kind;
		byte[] target;
		int dice = this.random.nextInt(8);
		if (endpoint.template().contains("{token}")) {
			kind = "forged invitation token";
			target = bytes(path.replace(this.target.invitationToken(),
					pick(List.of(mutate(this.target.invitationToken()),
							randomAscii(20).replace('/', '_')
								.replace('?', '_')
								.replace('#', '_')
								.replace('%', '_')
								.replace('\\', '_'),
							percentEncode(oddText(8)), "x"))));
		}
		else if (dice == 0 || !aboutOrganization) {
			kind = "unknown path below the endpoint";
			target = bytes(bare + "/" + pick(List.of("x", "%2e%2e", "extra/more", "%F0%9F%98%80", "~", "0")));
		}
		else if (dice == 1) {
			kind = "unknown organization";
			target = bytes(path.replace(organization, pick(List.of(elsewhere, "org_", "ORG_" + randomHex(32),
					"org_" + randomHex(31) + "g", "%6Frg_" + randomHex(32), "org_" + "0".repeat(3000)))));
		}
		else if (dice == 2) {
			kind = "odd organization id";
			target = bytes(path.replace(organization, percentEncode(oddText(1 + this.random.nextInt(30)))));
		}
		else if (dice == 3) {
			kind = "raw bytes in the path";
			byte[] raw = bytes(path.replace(organization, "org_\u0001\u0001"));
			for (int i = 0; i < raw.length; i++) {
				if (raw[i] == 1) {
					raw[i] = (byte) (0x80 + this.random.nextInt(0x7f));
				}
			}
			target = raw;
		}
		else if (dice == 4 && endpoint.template().contains("{user}")) {
			kind = "bad user id";
			String user = pick(List.of("0", "-1", "abc", "99999999999999999999999", "1.5", "%D9%A1", "1e3", "%20",
					Long.toString(this.target.outsiderId())));
			target = bytes(path.replace(Long.toString(this.target.annotatorId()), user));
		}
		else if (dice == 5 && (endpoint.template().contains("{ws}") || endpoint.template().contains("{invitation}"))) {
			kind = "unknown workspace or invitation";
			target = bytes(path.replace(this.target.workspaceId(), pick(List.of("ws_" + randomHex(32), "ws_", "x")))
				.replace(this.target.invitationId(), pick(List.of("inv_" + randomHex(32), "inv_", "x"))));
		}
		else if (dice == 6) {
			kind = "firewalled path";
			String away = path.replace(organization, elsewhere);
			target = bytes(pick(List.of(away.replace("/api/", "//api/"), away.replace("/api/", "/api/./"),
					away.replace("/api/", "/api;jsessionid=x/"), away.replace("/api/", "/api/%2F"),
					away.replace("/api/", "/api\\/"), away.replace("/api/", "/%2e%2e/api/"))));
		}
		else {
			kind = "bad query parameter, unknown organization";
			target = bytes(bare.replace(organization, elsewhere) + "?"
					+ pick(List.of("min_version=abc", "as_of=yesterday", "action=%00", "user_id=-1", "x=%ZZ",
							"after_version=nope", "workspace_id=" + percentEncode(oddText(5)))));
		}
		return new Fuzzed("path: " + kind, endpoint.method(), target, headers, body(endpoint));
	}

	private Fuzzed badHeader() {
		Endpoint endpoint = pick(ENDPOINTS.stream().filter(Endpoint::command).toList());
		List<Map.Entry<String, byte[]>> headers = owner();
		String kind;
		switch (this.random.nextInt(7)) {
			case 0 -> {
				kind = "invalid X-Correlation-Id";
				headers.add(
						header("X-Correlation-Id", pick(List.of("has space", "x".repeat(129 + this.random.nextInt(500)),
								"tab\there", "ümlaut", oddText(3).replace("\t", "x") + "!", "a,b", "<id>"))));
				headers.add(header("Content-Type", "application/json"));
			}
			case 1 -> {
				if (endpoint.template().equals("/api/organizations")) {
					// A new organization has no version to match.
					return badHeader();
				}
				kind = "invalid or stale If-Match";
				headers.add(header("If-Match", pick(List.of("abc", "\"-1\"", "W/", "\"1\", \"2\"", "*",
						"\"" + "9".repeat(19) + "\"", "\"0\"", "\"\u0661\"", "1\"\"", "\"1\"\""))));
				headers.add(header("Content-Type", "application/json"));
			}
			case 2 -> {
				kind = "invalid Idempotency-Key";
				headers.add(header("Idempotency-Key",
						pick(List.of("", "has space", "k".repeat(256 + this.random.nextInt(100)), "ключ", "\u00ff"))));
				headers.add(header("Content-Type", "application/json"));
				if (endpoint.method().equals("GET")) {
					// The key is only read on POST, PATCH and DELETE.
					return badHeader();
				}
			}
			case 3 -> {
				if (!endpoint.hasBody()) {
					return badHeader();
				}
				kind = "wrong Content-Type";
				String type = pick(List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
						"multipart/form-data; boundary=x", "a/b/c", "application/merge-patch+json", "text/json",
						"application/octet-stream", "application/json; charset=ebcdic", ";"));
				headers.add(header("Content-Type", type));
			}
			case 4 -> {
				if (!endpoint.hasBody()) {
					return badHeader();
				}
				kind = "no Content-Type";
			}
			case 5 -> {
				kind = "Accept without JSON";
				headers.add(header("Accept", pick(List.of("application/xml", "text/html", "image/png", "text/csv"))));
				headers.add(header("Content-Type", "application/json"));
			}
			default -> {
				kind = "headers over 8 KiB";
				headers.add(header("X-Padding", randomAscii(8_200 + this.random.nextInt(20_000))));
				headers.add(header("Content-Type", "application/json"));
			}
		}
		return new Fuzzed("header: " + kind, endpoint.method(), bytes(path(endpoint)), headers, body(endpoint));
	}

	private Fuzzed wrongMethod() {
		boolean open = this.random.nextInt(5) == 0;
		String path = open ? pick(OPEN_PATHS) : path(pick(ENDPOINTS));
		String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
		List<String> taken = ENDPOINTS.stream()
			.filter((endpoint) -> fill(endpoint.template()).split("\\?")[0].equals(bare))
			.map(Endpoint::method)
			.toList();
		List<String> wrong = new ArrayList<>(List.of("PUT", "TRACE", "DELETE", "PATCH", "POST"));
		wrong.removeAll(taken);
		if (open) {
			wrong.remove("TRACE");
		}
		String method = pick(wrong);
		List<Map.Entry<String, byte[]>> headers = open ? new ArrayList<>() : owner();
		headers.add(header("Content-Type", "application/json"));
		return new Fuzzed("method: " + method + (open ? " on an open path" : ""), method, bytes(path), headers,
				bytes("{}"));
	}

	private Fuzzed wrongCaller() {
		Endpoint endpoint = pick(ENDPOINTS.stream()
			.filter((candidate) -> candidate.template().contains("{org}")
					&& !candidate.template().endsWith("/permissions/matrix"))
			.toList());
		boolean annotator = this.random.nextBoolean();
		long caller = annotator ? this.target.annotatorId() : this.target.outsiderId();
		String scope = annotator ? null : pick(List.of("", "membership:invitations", "openid profile"));
		List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
		headers.add(header("Authorization",
				"Bearer " + ApiClient.token(Long.toString(caller), (scope == null || scope.isEmpty()) ? null : scope,
						Instant.now().plusSeconds(600), ApiClient.TEST_SECRET)));
		String path = path(endpoint);
		if (annotator && path.contains("/memberships/" + this.target.annotatorId())) {
			// About themself an Annotator may read; make it about the Owner instead.
			path = path.replace("/memberships/" + this.target.annotatorId(), "/memberships/" + this.target.ownerId());
		}
		if (annotator && path.contains("user_id=" + this.target.annotatorId())) {
			path = path.replace("user_id=" + this.target.annotatorId(), "user_id=" + this.target.ownerId());
		}
		return new Fuzzed(
				"caller: " + (annotator ? "an Annotator"
						: "a non-member" + (scope != null && !scope.isEmpty() ? " with scope " + scope : "")),
				endpoint.method(), bytes(path), withBody(endpoint, headers), body(endpoint));
	}

	// --- Valid parts ------------------------------------------------------------------

	private List<Map.Entry<String, byte[]>> owner() {
		List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
		headers.add(header("Authorization", "Bearer " + ApiClient.token(Long.toString(this.target.ownerId()), null,
				Instant.now().plusSeconds(600), ApiClient.TEST_SECRET)));
		return headers;
	}

	private List<Map.Entry<String, byte[]>> withBody(Endpoint endpoint, List<Map.Entry<String, byte[]>> headers) {
		if (endpoint.hasBody()) {
			headers.add(header("Content-Type", "application/json"));
		}
		return headers;
	}

	private byte[] body(Endpoint endpoint) {
		return endpoint.hasBody() ? bytes(json(validValues(endpoint))) : null;
	}

	private String path(Endpoint endpoint) {
		return fill(endpoint.template());
	}

	private String fill(String template) {
		return template.replace("{org}", this.target.organizationId())
			.replace("{user}", Long.toString(this.target.annotatorId()))
			.replace("{ws}", this.target.workspaceId())
			.replace("{invitation}", this.target.invitationId())
			.replace("{token}", this.target.invitationToken());
	}

	/**
	 * A body the endpoint would accept, as field to JSON value; the {@code null} key is
	 * an extra, unknown field.
	 */
	private Map<Field, String> validValues(Endpoint endpoint) {
		Map<Field, String> values = new java.util.LinkedHashMap<>();
		for (Field field : endpoint.fields()) {
			values.put(field, switch (field) {
				case NAME, TITLE -> "\"Fuzzed " + this.random.nextInt(1000) + "\"";
				case EMAIL -> "\"fuzz" + this.random.nextInt(1000) + "@fuzz.test\"";
				case ROLE -> "\"" + pick(List.of("AD", "MA", "RE", "AN")) + "\"";
				case USER_ID -> Long.toString(this.target.annotatorId());
				case REASON -> "\"because\"";
				case WORKSPACES -> "[\"" + this.target.workspaceId() + "\"]";
			});
		}
		return values;
	}

	private String wrongType(Field field) {
		return switch (field) {
			case USER_ID -> pick(List.of("\"abc\"", "{}", "[]", "[1]", "{\"id\":1}", "\"\"", "\"" + oddText(3) + "\""));
			case WORKSPACES -> pick(List.of("\"" + this.target.workspaceId() + "\"", "{}", "7", "[[]]", "[{}]",
					"[\"\"]", "[\"" + "w".repeat(65) + "\"]"));
			case ROLE -> pick(List.of("{}", "[]", "[\"AD\"]", "{\"code\":\"AD\"}"));
			default -> pick(List.of("{}", "[]", "[\"x\"]", "{\"value\":\"x\"}"));
		};
	}

	private String json(Map<Field, String> values) {
		StringBuilder json = new StringBuilder("{");
		values.forEach((field, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			String name = (field != null) ? field.json : escape(oddText(1 + this.random.nextInt(12))) + "_unknown";
			json.append('"').append(name).append("\":").append(value);
		});
		return json.append('}').toString();
	}

	// --- Noise
	// --------------------------------------------------------------------------

	private String oddText(int length) {
		StringBuilder text = new StringBuilder();
		while (text.length() < length) {
			text.append(this.random.nextInt(3) == 0 ? pick(List.of(ODD))
					: String.valueOf((char) ('a' + this.random.nextInt(26))));
		}
		return text.toString();
	}

	/** JSON string content: quotes, backslashes and control characters escaped. */
	private static String escape(String text) {
		StringBuilder escaped = new StringBuilder();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"') {
				escaped.append("\\\"");
			}
			else if (c == '\\') {
				// "\\ud800" in ODD is meant as a JSON escape of a lone surrogate.
				boolean unicodeEscape = i + 1 < text.length() && text.charAt(i + 1) == 'u';
				escaped.append(unicodeEscape ? "\\" : "\\\\");
			}
			else if (c < 0x20) {
				escaped.append("\\u%04x".formatted((int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private String randomAscii(int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			text.append((char) (0x21 + this.random.nextInt(0x5e)));
		}
		return text.toString();
	}

	private String randomHex(int length) {
		StringBuilder hex = new StringBuilder();
		for (int i = 0; i < length; i++) {
			hex.append(Character.forDigit(this.random.nextInt(16), 16));
		}
		return hex.toString();
	}

	private String mutate(String token) {
		char[] chars = token.toCharArray();
		int at = this.random.nextInt(chars.length);
		chars[at] = (chars[at] == 'A') ? 'B' : 'A';
		return new String(chars);
	}

	private static String percentEncode(String text) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			encoded.append('%').append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
		}
		return encoded.toString();
	}

	private static String base64(String text) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	private static Map.Entry<String, byte[]> header(String name, String value) {
		return Map.entry(name, value.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private <T> T pick(List<T> values) {
		return values.isEmpty() ? null : values.get(this.random.nextInt(values.size()));
	}

	private static String abbreviate(String text) {
		return (text.length() > 300) ? text.substring(0, 300) + "...(" + text.length() + " chars)" : text;
	}

}
