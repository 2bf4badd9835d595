package io.membership.infra.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.membership.infra.support.ApiClient.Answer;

/**
 * An organization of its own for one test, created over HTTP, with the version its last
 * accepted command answered. Tests sharing the service stay independent by each working
 * in a fresh organization with fresh user ids.
 */
public final class TestOrganization {

	/** Above the small ids the flow tests use by hand; unique within the test JVM. */
	private static final AtomicLong USER_IDS = new AtomicLong(10_000);

	private final int port;

	private final long ownerId;

	private final ApiClient owner;

	private final String id;

	private long version;

	private TestOrganization(int port, long ownerId, ApiClient owner, String id, long version) {
		this.port = port;
		this.ownerId = ownerId;
		this.owner = owner;
		this.id = id;
		this.version = version;
	}

	/** A user id no other test uses. */
	public static long newUserId() {
		return USER_IDS.incrementAndGet();
	}

	/**
	 * A new organization whose Owner is a new user, once the query side knows them as its
	 * Owner (see {@link #awaitMember}).
	 */
	public static TestOrganization create(int port) {
		long ownerId = newUserId();
		ApiClient owner = ApiClient.as(port, ownerId);
		Answer created = owner.post("/api/organizations", "{\"name\":\"Organization of " + ownerId + "\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.json().get("version").asLong()).isEqualTo(1);
		TestOrganization organization = new TestOrganization(port, ownerId, owner,
				created.json().get("organization_id").asString(), 1);
		organization.awaitMember(owner);
		return organization;
	}

	/**
	 * Waits until the query side knows the client as a member at the organization's
	 * version. A query with {@code min_version} decides whether its caller may read
	 * before it waits, so a caller who has just created or joined an organization gets
	 * 404 until the query side has seen that: like any client, they ask again.
	 */
	public void awaitMember(ApiClient client) {
		awaitMember(client, path(), this.version);
	}

	/**
	 * Like {@link #awaitMember(ApiClient)}, for an organization at {@code path} that a
	 * test drives by hand.
	 */
	public static void awaitMember(ApiClient client, String path, long version) {
		String query = path + "/permissions/matrix?min_version=" + version;
		Instant deadline = Instant.now().plusSeconds(20);
		Answer answer = client.get(query);
		while (answer.status() == 404 && Instant.now().isBefore(deadline)) {
			sleep(20);
			answer = client.get(query);
		}
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public String id() {
		return this.id;
	}

	/** {@code /api/organizations/{id}}, to which endpoint paths are appended. */
	public String path() {
		return "/api/organizations/" + this.id;
	}

	public long ownerId() {
		return this.ownerId;
	}

	public ApiClient owner() {
		return this.owner;
	}

	/** The version the last accepted command answered. */
	public long version() {
		return this.version;
	}

	/**
	 * Checks that a command was accepted and recorded exactly one event: 2xx, and
	 * {@code version} in body and {@code ETag} one above the version before.
	 */
	public Answer recorded(Answer answer) {
		assertThat(answer.status()).as(answer.toString()).isBetween(200, 299);
		long expected = this.version + 1;
		assertThat(answer.json().get("version").asLong()).as(answer.toString()).isEqualTo(expected);
		assertThat(answer.header("ETag")).as(answer.toString()).isEqualTo("\"" + expected + "\"");
		this.version = expected;
		return answer;
	}

	/**
	 * Proves that the requests since the last accepted command stored nothing: the next
	 * accepted command (the Owner creates a workspace, one event) answers exactly one
	 * version above the last one seen.
	 */
	public void assertNothingStored() {
		recorded(this.owner.post(path() + "/workspaces", "{\"title\":\"Probe after a refusal\"}"));
	}

	/**
	 * The Owner invites, with {@code role} (null: joins as NO), and returns the answer.
	 */
	public Answer invite(String email, String role) {
		String body = (role != null) ? "{\"email\":\"" + email + "\",\"role\":\"" + role + "\"}"
				: "{\"email\":\"" + email + "\"}";
		return recorded(this.owner.post(path() + "/invitations", body));
	}

	/**
	 * A new user invited by the Owner with {@code role} (null: Not Activated) who has
	 * accepted the invitation themself.
	 */
	public Member join(String role) {
		long userId = newUserId();
		String email = "user" + userId + "@members.test";
		String token = invite(email, role).json().get("token").asString();
		ApiClient client = ApiClient.as(this.port, userId);
		Answer joined = recorded(client.post("/api/invitations/" + token + "/accept",
				"{\"user_id\":" + userId + ",\"email\":\"" + email + "\"}"));
		assertThat(joined.json().get("role").asString()).isEqualTo((role != null) ? role : "NO");
		awaitMember(client);
		return new Member(userId, email, client);
	}

	/** The Owner creates a workspace; answers its id. */
	public String createWorkspace(String title) {
		return recorded(this.owner.post(path() + "/workspaces", "{\"title\":\"" + title + "\"}")).json()
			.get("workspace_id")
			.asString();
	}

	/** A member of the organization and a client acting as them. */
	public record Member(long userId, String email, ApiClient client) {
	}

}
