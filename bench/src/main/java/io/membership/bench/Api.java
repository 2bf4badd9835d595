package io.membership.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service's HTTP API as an upstream app calls it: the JDK's HTTP/1.1 client, one
 * shared pool of keep-alive connections, bearer tokens per user.
 */
final class Api {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** User ids handed out by this run; each organization's users are its own. */
	private static final AtomicLong USER_IDS = new AtomicLong(1_000_000);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String baseUrl;

	Api(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	static long newUserId() {
		return USER_IDS.incrementAndGet();
	}

	HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(60))
			.GET();
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> post(String path, String token, String json) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> put(String path, String token, String json) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * The Owner registers a project in a new workspace and adds the member to it with a
	 * project role: three commands.
	 */
	void project(Organization organization, String projectId, Member member, String projectRole)
			throws IOException, InterruptedException {
		String path = "/api/organizations/" + organization.id();
		String workspace = expect(post(path + "/workspaces", organization.ownerToken(), "{\"title\":\"Bench\"}"), 201)
			.get("workspace_id")
			.asString();
		expect(put(path + "/projects/" + projectId, organization.ownerToken(),
				"{\"workspace_id\":\"" + workspace + "\",\"title\":\"Bench project\"}"), 201);
		expect(post(path + "/projects/" + projectId + "/members", organization.ownerToken(),
				"{\"user_id\":" + member.userId() + ",\"role\":\"" + projectRole + "\"}"), 200);
	}

	/** A new organization whose Owner is a new user. */
	Organization createOrganization(String name) throws IOException, InterruptedException {
		long owner = newUserId();
		String token = Tokens.forUser(owner);
		HttpResponse<String> created = post("/api/organizations", token, "{\"name\":\"" + name + "\"}");
		JsonNode body = expect(created, 201);
		return new Organization(body.get("organization_id").asString(), owner, token);
	}

	/**
	 * The Owner invites a new user with a role, and the user accepts: two commands, two
	 * events.
	 */
	Member join(Organization organization, String role) throws IOException, InterruptedException {
		long user = newUserId();
		String email = "user" + user + "@bench.test";
		HttpResponse<String> invited = post("/api/organizations/" + organization.id() + "/invitations",
				organization.ownerToken(), "{\"email\":\"" + email + "\",\"role\":\"" + role + "\"}");
		String invitation = expect(invited, 201).get("token").asString();
		HttpResponse<String> accepted = post("/api/invitations/" + invitation + "/accept", Tokens.forUser(user),
				"{\"user_id\":" + user + ",\"email\":\"" + email + "\"}");
		expect(accepted, 200);
		Member member = new Member(user, role);
		organization.members().add(member);
		return member;
	}

	/**
	 * The Owner toggles the member's role between Annotator and Reviewer: one command,
	 * one MemberRoleChanged. Only one request at a time per member, so every toggle
	 * changes something.
	 * @return the organization's version after the change
	 */
	long toggleRole(Organization organization, Member member) throws IOException, InterruptedException {
		synchronized (member) {
			String next = "AN".equals(member.role) ? "RE" : "AN";
			HttpResponse<String> changed = post(
					"/api/organizations/" + organization.id() + "/memberships/" + member.userId() + "/role",
					organization.ownerToken(), "{\"role\":\"" + next + "\"}");
			long version = expect(changed, 200).get("version").asLong();
			member.role = next;
			return version;
		}
	}

	/**
	 * One bulk invitation request of {@code items} addresses never invited before, each
	 * with a role.
	 * @return how many of its items were accepted (one UserInvited each)
	 */
	int inviteInBulk(Organization organization, int items, String addressPrefix)
			throws IOException, InterruptedException {
		StringBuilder body = new StringBuilder("{\"invitations\":[");
		for (int item = 0; item < items; item++) {
			body.append((item > 0) ? "," : "")
				.append("{\"email\":\"")
				.append(addressPrefix)
				.append(item)
				.append("@bench.test\",\"role\":\"AN\"}");
		}
		return accepted(expect(post("/api/organizations/" + organization.id() + "/invitations/bulk",
				organization.ownerToken(), body.append("]}").toString()), 200));
	}

	/**
	 * One bulk membership request of {@code items} role changes over the members, round
	 * after round: each member between Annotator and Reviewer, every item a change, and
	 * an even number of rounds so each member ends with the role they had (a request of
	 * 1,000 items over 100 members is 10 rounds). The caller sends one at a time per
	 * organization.
	 * @return how many of its items were accepted (one event each)
	 */
	int changeRolesInBulk(Organization organization, List<Member> members, int items)
			throws IOException, InterruptedException {
		StringBuilder body = new StringBuilder("{\"changes\":[");
		for (int item = 0; item < items; item++) {
			Member member = members.get(item % members.size());
			boolean away = (item / members.size()) % 2 == 0;
			String other = "AN".equals(member.role) ? "RE" : "AN";
			body.append((item > 0) ? "," : "")
				.append("{\"user_id\":")
				.append(member.userId())
				.append(",\"role\":\"")
				.append(away ? other : member.role)
				.append("\"}");
		}
		return accepted(expect(post("/api/organizations/" + organization.id() + "/memberships/bulk",
				organization.ownerToken(), body.append("]}").toString()), 200));
	}

	private static int accepted(JsonNode bulk) {
		int accepted = 0;
		for (JsonNode result : bulk.path("results")) {
			int status = result.path("status").asInt();
			accepted += (status >= 200 && status < 300) ? 1 : 0;
		}
		return accepted;
	}

	static JsonNode expect(HttpResponse<String> response, int status) {
		if (response.statusCode() != status) {
			throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " answered "
					+ response.statusCode() + ": " + response.body());
		}
		return JSON.readTree(response.body());
	}

	static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	/** An organization and the members the bench created in it. */
	record Organization(String id, long ownerId, String ownerToken, List<Member> members) {

		Organization(String id, long ownerId, String ownerToken) {
			this(id, ownerId, ownerToken, new CopyOnWriteArrayList<>());
		}

	}

	/** A member and the role the bench last gave them. */
	static final class Member {

		private final long userId;

		private volatile String role;

		Member(long userId, String role) {
			this.userId = userId;
			this.role = role;
		}

		long userId() {
			return this.userId;
		}

	}

}
