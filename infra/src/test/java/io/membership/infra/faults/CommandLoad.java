package io.membership.infra.faults;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.testkit.ServiceProcess;

/**
 * Clients that stream commands at the service until stopped, each in an organization of
 * its own: workspaces, invitations, sign-ups and role changes, every one of which records
 * exactly one event when it is accepted. Each request carries a correlation id of its
 * own, which the event it records carries too, so every answer can be matched with the
 * event store afterwards. A request whose connection broke (the service was killed) is
 * recorded with an unknown outcome: it may or may not have been stored.
 */
final class CommandLoad implements AutoCloseable {

	private static final String[] ROLES = { "AD", "MA", "RE", "AN" };

	private final String runId;

	private final int clients;

	private final IntUnaryOperator portOfClient;

	private final Duration pause;

	/** Members per client once the load is steady; 0 for a load that keeps growing. */
	private final int population;

	private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();

	private final AtomicInteger acknowledged = new AtomicInteger();

	private final ExecutorService pool;

	private final List<Future<?>> workers = new ArrayList<>();

	private volatile boolean running;

	/**
	 * @param runId prefix of every correlation id, unique per run
	 * @param clients how many clients send at once
	 * @param portOfClient which service port a client sends its next request to (asked
	 * for every request, so a test may point clients elsewhere while they run)
	 * @param pause how long a client waits between two requests
	 */
	CommandLoad(String runId, int clients, IntUnaryOperator portOfClient, Duration pause) {
		this(runId, clients, portOfClient, pause, 0);
	}

	/**
	 * A load whose state stops growing: each client invites {@code population} members
	 * into its organization and from then on only changes their roles, so the service
	 * holds as much at the end of a long run as after its first minute, and only the
	 * event store grows.
	 */
	static CommandLoad steady(String runId, int clients, IntUnaryOperator portOfClient, Duration pause,
			int population) {
		return new CommandLoad(runId, clients, portOfClient, pause, population);
	}

	private CommandLoad(String runId, int clients, IntUnaryOperator portOfClient, Duration pause, int population) {
		this.runId = runId;
		this.clients = clients;
		this.portOfClient = portOfClient;
		this.pause = pause;
		this.population = population;
		this.pool = Executors.newFixedThreadPool(clients, (runnable) -> {
			Thread thread = new Thread(runnable, "command-load-" + runId);
			thread.setDaemon(true);
			return thread;
		});
	}

	CommandLoad start() {
		this.running = true;
		for (int client = 0; client < this.clients; client++) {
			int number = client;
			this.workers.add(this.pool.submit(() -> new Client(number).run()));
		}
		return this;
	}

	/** Stops the clients after their current request and waits for them. */
	List<Sent> stop() {
		this.running = false;
		for (Future<?> worker : this.workers) {
			try {
				worker.get(60, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException("A load client failed", ex);
			}
		}
		this.pool.shutdownNow();
		return sent();
	}

	@Override
	public void close() {
		this.running = false;
		this.pool.shutdownNow();
	}

	List<Sent> sent() {
		return List.copyOf(this.sent);
	}

	int acknowledged() {
		return this.acknowledged.get();
	}

	/** Waits until this many commands were acknowledged in all, at most {@code wait}. */
	boolean awaitAcknowledged(int count, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		while (this.acknowledged.get() < count && System.nanoTime() < deadline) {
			ServiceProcess.sleep(Duration.ofMillis(50));
		}
		return this.acknowledged.get() >= count;
	}

	String correlationPrefix() {
		return this.runId + "-";
	}

	/** What a command was, and what became of it. */
	enum Kind {

		CREATE_ORGANIZATION, CREATE_WORKSPACE, INVITE, ACCEPT, CHANGE_ROLE

	}

	/**
	 * One request and its answer: {@code status} -1 when no answer came (the connection
	 * broke or was refused); {@code organizationId} null for an organization whose
	 * creation was not answered.
	 */
	record Sent(String correlationId, Kind kind, int port, String organizationId, int status, long version, String code,
			long startedAtMillis, long millis, String error) {

		boolean acknowledged() {
			return this.status >= 200 && this.status < 300;
		}

		boolean unanswered() {
			return this.status < 0;
		}

		/**
		 * No answer, or 503: the service could not tell whether the command was stored
		 * (the database connection broke while it was being committed).
		 */
		boolean outcomeUnknown() {
			return this.status < 0 || this.status == 503;
		}

		@Override
		public String toString() {
			return this.kind + " " + this.correlationId + " on :" + this.port + " in " + this.organizationId + " -> "
					+ ((this.status < 0) ? "no answer (" + this.error + ")"
							: this.status + " v" + this.version + ((this.code != null) ? " " + this.code : ""))
					+ " in " + this.millis + " ms";
		}

	}

	/** One client: an Owner with an organization, inviting and managing its members. */
	private final class Client {

		private final int number;

		private final Random random;

		private final long ownerId;

		/** The members whose role this client knows for sure. */
		private final Map<Long, String> roles = new LinkedHashMap<>();

		private final Deque<Invitation> pendingInvitations = new ArrayDeque<>();

		private String organization;

		/** The body of the last answer. */
		private JsonNode lastBody;

		private long nextUser;

		private int request;

		Client(int number) {
			this.number = number;
			this.random = new Random(number * 7919L + CommandLoad.this.runId.hashCode());
			// Users of different clients and runs never meet, so ids only need to be
			// unique per client.
			this.ownerId = 1_000_000L * (number + 1) + Math.floorMod(CommandLoad.this.runId.hashCode(), 1000) * 1000L;
			this.nextUser = this.ownerId + 1;
		}

		void run() {
			while (CommandLoad.this.running && !Thread.currentThread().isInterrupted()) {
				if (this.organization == null) {
					createOrganization();
				}
				else {
					step();
				}
				if (!CommandLoad.this.pause.isZero()) {
					try {
						Thread.sleep(CommandLoad.this.pause.toMillis());
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}
		}

		private void step() {
			if (CommandLoad.this.population > 0) {
				steadyStep();
				return;
			}
			int dice = this.random.nextInt(100);
			if (dice < 30) {
				send(Kind.CREATE_WORKSPACE, this.ownerId, "POST", "/workspaces",
						"{\"title\":\"Workspace " + this.request + "\"}");
			}
			else if (dice < 55 || (dice < 75 && this.pendingInvitations.isEmpty())) {
				invite();
			}
			else if (dice < 75) {
				accept(this.pendingInvitations.poll());
			}
			else if (dice < 95) {
				changeRole();
			}
			else {
				// A second organization of the same Owner; the client stays in its first.
				sendTo(Kind.CREATE_ORGANIZATION, this.ownerId, "POST", "/api/organizations",
						"{\"name\":\"Another of client " + this.number + "\"}");
			}
		}

		/**
		 * Fills the organization up to the population, then changes roles only. A member
		 * whose role became unknown (no answer during a fault) is left alone and replaced
		 * by a new one, so the population grows by at most the commands a fault left
		 * without an answer.
		 */
		private void steadyStep() {
			if (!this.pendingInvitations.isEmpty()) {
				accept(this.pendingInvitations.poll());
			}
			else if (this.roles.size() < CommandLoad.this.population) {
				invite();
			}
			else {
				changeRole();
			}
		}

		private void invite() {
			long user = this.nextUser++;
			String role = ROLES[this.random.nextInt(ROLES.length)];
			Sent invited = send(Kind.INVITE, this.ownerId, "POST", "/invitations",
					"{\"email\":\"user" + user + "@load.test\",\"role\":\"" + role + "\"}");
			if (invited.acknowledged()) {
				this.pendingInvitations.add(new Invitation(user, role, this.lastBody.get("token").asString()));
			}
		}

		private void accept(Invitation invitation) {
			long user = invitation.userId();
			Sent joined = sendTo(Kind.ACCEPT, user, "POST", "/api/invitations/" + invitation.token() + "/accept",
					"{\"user_id\":" + user + ",\"email\":\"user" + user + "@load.test\"}");
			if (joined.acknowledged()) {
				this.roles.put(user, invitation.role());
			}
		}

		private void changeRole() {
			List<Long> members = List.copyOf(this.roles.keySet());
			if (members.isEmpty()) {
				return;
			}
			long member = members.get(this.random.nextInt(members.size()));
			String current = this.roles.get(member);
			String next;
			do {
				next = ROLES[this.random.nextInt(ROLES.length)];
			}
			while (next.equals(current));
			Sent changed = send(Kind.CHANGE_ROLE, this.ownerId, "POST", "/memberships/" + member + "/role",
					"{\"role\":\"" + next + "\",\"reason\":\"load\"}");
			if (changed.acknowledged()) {
				this.roles.put(member, next);
			}
			else {
				// Unknown now: leave it alone from here on.
				this.roles.remove(member);
			}
		}

		private void createOrganization() {
			Sent created = sendTo(Kind.CREATE_ORGANIZATION, this.ownerId, "POST", "/api/organizations",
					"{\"name\":\"Load client " + this.number + "\"}");
			if (created.acknowledged()) {
				this.organization = created.organizationId();
			}
		}

		private Sent send(Kind kind, long actor, String method, String path, String body) {
			return sendTo(kind, actor, method, "/api/organizations/" + this.organization + path, body);
		}

		private Sent sendTo(Kind kind, long actor, String method, String path, String body) {
			String correlationId = CommandLoad.this.runId + "-" + this.number + "-" + (this.request++);
			int port = CommandLoad.this.portOfClient.applyAsInt(this.number);
			ApiClient client = ApiClient.as(port, actor).withHeader("X-Correlation-Id", correlationId);
			long startedAt = System.currentTimeMillis();
			long started = System.nanoTime();
			Sent outcome;
			try {
				Answer answer = client.send(method, path, body);
				long millis = (System.nanoTime() - started) / 1_000_000;
				boolean accepted = answer.status() >= 200 && answer.status() < 300;
				JsonNode json = readJson(answer);
				this.lastBody = json;
				String organizationId = (kind == Kind.CREATE_ORGANIZATION || kind == Kind.ACCEPT)
						? text(json, "organization_id") : this.organization;
				outcome = new Sent(correlationId, kind, port, organizationId, answer.status(),
						accepted ? json.path("version").asLong() : -1, accepted ? null : text(json, "code"), startedAt,
						millis, null);
				if (accepted) {
					CommandLoad.this.acknowledged.incrementAndGet();
				}
			}
			catch (RuntimeException ex) {
				long millis = (System.nanoTime() - started) / 1_000_000;
				String organizationId = (kind == Kind.CREATE_ORGANIZATION) ? null : this.organization;
				outcome = new Sent(correlationId, kind, port, organizationId, -1, -1, null, startedAt, millis,
						String.valueOf(rootCause(ex)));
			}
			CommandLoad.this.sent.add(outcome);
			return outcome;
		}

	}

	/** An invitation not accepted yet. */
	private record Invitation(long userId, String role, String token) {
	}

	private static JsonNode readJson(Answer answer) {
		try {
			return answer.json();
		}
		catch (RuntimeException notJson) {
			return tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
		}
	}

	private static String text(JsonNode json, String field) {
		JsonNode value = json.path(field);
		return value.isMissingNode() || value.isNull() ? null : value.asString();
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

}
