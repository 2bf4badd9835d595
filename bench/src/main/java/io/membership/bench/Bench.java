package io.membership.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

import io.membership.bench.Api.Member;
import io.membership.bench.Api.Organization;
import io.membership.events.MemberRoleChanged;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.json.MembershipJson;
import io.membership.testkit.ServiceProcess;

/**
 * The benchmarks of docs/PERFORMANCE.md, run by {@code mvn -Pbench -pl bench -am verify}
 * ({@code -Dbench.quick=true} for a short run). Starts the service from its jar against
 * PostgreSQL, measures each figure beside its baseline on the same machine in the same
 * run, and writes {@code bench-results.json} and {@code bench-results.md}.
 */
public final class Bench {

	private static final String CHECK_ACTION = "access_review_workflow";

	/** The project every check names ({@link Api#project}). */
	private static final String CHECK_PROJECT = "bench-project";

	/** The most checks one batch may hold (API.md). */
	private static final int BATCH_SIZE = 100;

	private static final String TRIVIAL_PATH = "/actuator/health/liveness";

	/** Clients of the bulk phase, each in an organization of its own. */
	private static final int BULK_CLIENTS = 4;

	/** Items per bulk request: the most API.md allows. */
	private static final int BULK_ITEMS = 1000;

	private static final int BULK_MEMBERS = 100;

	private final BenchSettings settings;

	private final Results results;

	private final long started = System.nanoTime();

	private Bench(BenchSettings settings) {
		this.settings = settings;
		this.results = new Results(settings);
	}

	public static void main(String[] args) throws Exception {
		BenchSettings settings = BenchSettings.fromSystemProperties();
		if (!Files.isRegularFile(settings.jar())) {
			throw new IllegalStateException("No service jar at " + settings.jar() + "; build infra first");
		}
		if (!Files.isRegularFile(settings.endpointJar())) {
			throw new IllegalStateException(
					"No durable endpoint jar at " + settings.endpointJar() + "; build bench-endpoint first");
		}
		try {
			new Bench(settings).run();
		}
		catch (Exception | Error ex) {
			ex.printStackTrace();
			System.exit(1);
		}
		// The JDK's HTTP client and Kafka's threads may linger; the results are written.
		System.exit(0);
	}

	private void run() throws Exception {
		log("Benchmarks, " + this.settings.mode() + " mode, phases " + this.settings.phases() + ", service "
				+ this.settings.jar());
		Path data = this.settings.out().resolve("bench-data");
		deleteRecursively(data);
		try (BenchDatabase database = new BenchDatabase(this.settings)) {
			this.results.put("machine", machine(database));
			this.results.put("started_at", Instant.now().toString());
			this.results.put("phases", this.settings.phases());
			int kafkaPort = ServiceProcess.freePort();
			String schemaA = database.createSchema();
			long topicEvents = 0;
			SyntheticEvents.Written synthetic = null;
			long launched = System.nanoTime();
			try (ServiceProcess service = startService("a", schemaA, data, kafkaPort)) {
				double idleStart = since(launched);
				log("Service a started (pid " + service.pid() + ", port " + service.port() + ") in "
						+ Load.round(idleStart) + " s");
				Map<String, Object> startup = section("startup");
				startup.put("idle_ready_seconds", Load.round(idleStart));
				startup.put("idle", "service a's first start: an empty schema (Flyway creates every table), a new data "
						+ "directory (the embedded broker formats its log); from launching its JVM to readiness UP on "
						+ "the management port, polled every 250 ms");
				long[] idle = service.residentKib();
				section("memory").put("service_a_idle_rss_mb", mb(idle[0]));
				service.fullGc();
				long idleHeap = service.heapUsedKib();
				section("memory").put("service_a_idle_heap_used_after_full_gc_mb", mb(idleHeap));
				Api api = new Api(service.baseUrl());
				if (this.settings.runs("commands") || this.settings.runs("checks")
						|| this.settings.runs("propagation")) {
					List<Organization> organizations = commands(api, service, database, schemaA,
							this.settings.runs("commands"));
					if (this.settings.runs("checks")) {
						checks(api, new Api(service.managementUrl()), service, database, schemaA, organizations.get(0));
					}
					if (this.settings.runs("propagation")) {
						propagation(api, service, organizations);
					}
				}
				if (this.settings.runs("growth")) {
					growth(api);
				}
				if (this.settings.runs("bulk")) {
					bulk(api);
				}
				long[] loaded = service.residentKib();
				section("memory").put("service_a_rss_after_command_phases_mb", mb(loaded[0]));
				if (this.settings.runs("replay")) {
					log("Writing synthetic events to the topic");
					synthetic = SyntheticEvents.produce(service.kafkaBootstrap(), this.settings.replayOrganizations(),
							this.settings.replayEvents() / this.settings.replayOrganizations(),
							this.settings.replayMembersPerOrganization());
					topicEvents = Topics.size(service.kafkaBootstrap());
					log("Topic holds " + topicEvents + " events (" + synthetic.events() + " synthetic, written in "
							+ Load.round(synthetic.seconds()) + " s); stopping service a");
				}
			}
			if (synthetic != null) {
				String schemaB = database.createSchema();
				Topics.Read plain = replayAndMemory(database, schemaB, data, kafkaPort, topicEvents, synthetic);
				section("replay").put("plain_consumer",
						Map.of("records", plain.records(), "bytes", plain.bytes(), "seconds",
								Load.round(plain.secondsFromFirstRecord()), "per_second",
								Load.round(plain.perSecond())));
			}
		}
		finally {
			deleteRecursively(data);
		}
		this.results.put("finished_at", Instant.now().toString());
		this.results.put("load_average_at_end", Files.readString(Path.of("/proc/loadavg")).trim());
		this.results.put("seconds", Load.round(elapsed()));
		this.results.write(this.settings.out());
		log("Wrote " + this.settings.out().resolve("bench-results.json") + " and bench-results.md:\n"
				+ this.results.markdown());
	}

	/**
	 * The service under test, started from its runnable jar as a child JVM, as an
	 * operator would run it: PostgreSQL in a schema of its own, its own data directory
	 * (where the embedded Kafka broker keeps its log; the same directory and Kafka port
	 * reopen the same broker log), HS256 tokens signed with the bench's secret. Returns
	 * once it is healthy; closing it stops it gracefully.
	 */
	private ServiceProcess startService(String name, String schema, Path dataDirectory, int kafkaPort) {
		return ServiceProcess.builder(name, this.settings.jar())
			.jvmArgs(this.settings.serviceJvmArgs())
			.dataDirectory(dataDirectory)
			.log(this.settings.out().resolve("service-" + name + ".log"))
			.database(BenchDatabase.urlWithSchema(this.settings.dbUrl(), schema), this.settings.dbUser(),
					this.settings.dbPassword(), schema)
			.embeddedKafka(kafkaPort)
			.jwtSecret(Tokens.SECRET)
			// The synthetic events are signed with it, as the service signs its own.
			.recordKey(RecordSigning.KEY)
			.startTimeout(Duration.ofMinutes(3))
			.build()
			.start();
	}

	// 1. Command throughput over HTTP, against raw JDBC inserts of event-store rows.
	/**
	 * Sets up the organizations the command, check and propagation measurements use and
	 * warms the service up; measures the commands if {@code measure}.
	 */
	private List<Organization> commands(Api api, ServiceProcess service, BenchDatabase database, String schema,
			boolean measure) throws Exception {
		int clients = this.settings.clients();
		log("Commands: setting up " + 4 * clients + " organizations and one shared by " + clients + " clients");
		List<Organization> organizations = parallel(4 * clients, 16, (index) -> {
			Organization organization = api.createOrganization("Bench " + index);
			api.join(organization, "AN");
			return organization;
		});
		Organization shared = api.createOrganization("Shared");
		parallel(clients, 16, (index) -> api.join(shared, "AN"));
		Load.Task manyOrganizations = (client, sequence) -> {
			Organization organization = organizations.get(client + clients * (int) (sequence % 4));
			api.toggleRole(organization, organization.members().get(0));
			return true;
		};
		Load.Task oneOrganization = (client, sequence) -> {
			api.toggleRole(shared, shared.members().get(client));
			return true;
		};
		// The JIT compiles the hot paths during the first minute of traffic; measuring
		// before that would measure the compiler.
		log("Warming up for " + this.settings.initialWarmup().toSeconds() + " s (commands and checks)");
		CompletableFuture<Load.Outcome> warmChecks = CompletableFuture
			.supplyAsync(() -> Load.closed(4, this.settings.initialWarmup(),
					(client, sequence) -> api
						.get("/api/organizations/" + shared.id() + "/permissions/check?user_id="
								+ shared.members().get(0).userId() + "&action=" + CHECK_ACTION, shared.ownerToken())
						.statusCode() == 200));
		Load.closed(clients, this.settings.initialWarmup(), manyOrganizations);
		warmChecks.get();
		if (!measure) {
			return organizations;
		}
		Load.closed(clients, this.settings.warmup(), manyOrganizations);
		Map<String, Long> rowsBefore = settled(database, schema);
		long cpuBefore = service.cpuMillis();
		ThreadCpu.Sample threadsBefore = ThreadCpu.read(service.pid());
		Load.Outcome many = Load.closed(clients, this.settings.commandRun(), manyOrganizations);
		log("Commands over " + organizations.size() + " organizations: " + many.summary());
		Map<String, Long> rowsAfter = settled(database, schema);
		ThreadCpu.Sample threadsAfter = ThreadCpu.read(service.pid());
		double cpuPerCommand = (double) (service.cpuMillis() - cpuBefore) / many.ok();
		Map<String, Object> cpuByRole = ThreadCpu.perUnit(threadsBefore, threadsAfter, many.ok());
		Map<String, Object> rowsPerCommand = new LinkedHashMap<>();
		rowsAfter.forEach((table, rows) -> {
			long added = rows - rowsBefore.getOrDefault(table, 0L);
			if (added > 0) {
				rowsPerCommand.put(table, Load.round((double) added / many.ok()));
			}
		});
		log("Per command: " + Load.round(cpuPerCommand)
				+ " ms of service CPU (publishing and projecting included), rows " + rowsPerCommand);
		log("Service CPU per command by thread role (ms): " + cpuByRole);
		Load.closed(clients, this.settings.warmup(), oneOrganization);
		Load.Outcome one = Load.closed(clients, this.settings.commandRun(), oneOrganization);
		log("Commands on one organization: " + one.summary());
		Load.Outcome jdbc = jdbcBaseline(database, schema, clients);
		log("Baseline JDBC inserts: " + jdbc.summary());
		DurableEndpointRun endpoint = durableEndpoint(database, schema, clients);
		log("Baseline durable endpoint: " + endpoint.outcome().summary() + ", "
				+ Load.round(endpoint.cpuMillisPerRequest()) + " ms of its CPU each");
		Map<String, Object> section = section("commands");
		section.put("clients", clients);
		section.put("command", "POST /api/organizations/{org}/memberships/{user}/role (AN <-> RE), one event each");
		section.put("many_organizations", with(many.summary(), "organizations", organizations.size()));
		section.put("service_cpu_ms_per_command", Load.round(cpuPerCommand));
		section.put("service_cpu_ms_per_command_by_thread_role", cpuByRole);
		section.put("rows_added_per_command", rowsPerCommand);
		section.put("one_organization", one.summary());
		section.put("baseline_jdbc_inserts", with(jdbc.summary(), "statement",
				"INSERT of one domainevententry-shaped row, autocommit, one connection per client"));
		section.put("baseline_durable_endpoint", with(endpoint.outcome().summary(), "request",
				"POST /api/aggregates/{aggregate}/events/{sequence} to bench-endpoint (a child JVM with the service's "
						+ "JVM options: Spring Boot, Tomcat, Spring Security's resource server verifying the same HS256 "
						+ "token, Hikari), which inserts the body (the MemberRoleChanged payload) as one "
						+ "domainevententry-shaped row in a transaction of its own and answers its id; one aggregate "
						+ "per client, numbered by the client; the same warm-up and duration as the commands"));
		section.put("durable_endpoint_cpu_ms_per_request", Load.round(endpoint.cpuMillisPerRequest()));
		this.results.key("command_throughput_ratio", many.throughput() / jdbc.throughput(),
				Results.format(many.throughput()) + " commands/s (" + clients + " clients, " + organizations.size()
						+ " orgs); one org: " + Results.format(one.throughput()) + "/s",
				Results.format(jdbc.throughput()) + " JDBC inserts/s", 0.5, false);
		this.results.key("command_ratio_to_durable_endpoint", many.throughput() / endpoint.outcome().throughput(),
				Results.format(many.throughput()) + " commands/s (" + clients + " clients, " + organizations.size()
						+ " orgs), " + Results.format(cpuPerCommand) + " ms of service CPU each",
				Results.format(endpoint.outcome().throughput()) + " requests/s, minimal durable endpoint, "
						+ Results.format(endpoint.cpuMillisPerRequest()) + " ms of its CPU each",
				0.5, false);
		return organizations;
	}

	/** What the minimal durable endpoint did, and its CPU per request. */
	private record DurableEndpointRun(Load.Outcome outcome, double cpuMillisPerRequest) {
	}

	/**
	 * The fair baseline for a command: bench-endpoint, started as a child JVM with the
	 * service's JVM options, driven by the same 32 closed-loop clients with the same
	 * warm-up and duration as the service's commands; each request stores one
	 * domainevententry-shaped row in a copy of that table (keys and indexes included).
	 */
	private DurableEndpointRun durableEndpoint(BenchDatabase database, String schema, int clients) throws Exception {
		database.execute(schema, "CREATE TABLE bench_endpoint_events (LIKE domainevententry INCLUDING CONSTRAINTS "
				+ "INCLUDING INDEXES); CREATE SEQUENCE bench_endpoint_events_seq; ALTER TABLE bench_endpoint_events "
				+ "ALTER COLUMN globalindex SET DEFAULT nextval('bench_endpoint_events_seq')");
		Path data = this.settings.out().resolve("endpoint-data");
		try (ServiceProcess endpoint = ServiceProcess.builder("endpoint", this.settings.endpointJar())
			.jvmArgs(this.settings.serviceJvmArgs())
			.dataDirectory(data)
			.log(this.settings.out().resolve("endpoint.log"))
			.database(BenchDatabase.urlWithSchema(this.settings.dbUrl(), schema), this.settings.dbUser(),
					this.settings.dbPassword(), schema)
			.jwtSecret(Tokens.SECRET)
			.startTimeout(Duration.ofMinutes(3))
			.build()
			.start()) {
			log("Durable endpoint started (pid " + endpoint.pid() + "); warming it up as the service was");
			Api api = new Api(endpoint.baseUrl());
			String payload = new String(eventPayload(), StandardCharsets.UTF_8);
			String[] aggregates = new String[clients];
			String[] tokens = new String[clients];
			long[] sequences = new long[clients];
			for (int client = 0; client < clients; client++) {
				aggregates[client] = OrganizationId.generate().value();
				tokens[client] = Tokens.forUser(Api.newUserId());
			}
			Load.Task append = (client, sequence) -> {
				HttpResponse<String> answer = api.post(
						"/api/aggregates/" + aggregates[client] + "/events/" + sequences[client]++, tokens[client],
						payload);
				return answer.statusCode() == 200 && answer.body().startsWith("{\"id\":");
			};
			Load.closed(clients, this.settings.initialWarmup(), append);
			Load.closed(clients, this.settings.warmup(), append);
			long cpuBefore = endpoint.cpuMillis();
			Load.Outcome outcome = Load.closed(clients, this.settings.commandRun(), append);
			double cpuPerRequest = (double) (endpoint.cpuMillis() - cpuBefore) / outcome.ok();
			return new DurableEndpointRun(outcome, cpuPerRequest);
		}
		finally {
			database.execute(schema, "DROP TABLE bench_endpoint_events; DROP SEQUENCE bench_endpoint_events_seq");
			deleteRecursively(data);
		}
	}

	/**
	 * A real MemberRoleChanged as the event store holds it: what both command baselines
	 * store.
	 */
	private static byte[] eventPayload() {
		return MembershipJson.mapper()
			.writeValueAsBytes(new MemberRoleChanged(OrganizationId.generate(), UserId.of(1_000_001), Role.ANNOTATOR,
					Role.REVIEWER, null, UserId.of(1_000_000), Instant.now(), UUID.randomUUID().toString()));
	}

	private Load.Outcome jdbcBaseline(BenchDatabase database, String schema, int clients) throws SQLException {
		// Its own sequence: numbers drawn from the event store's would leave a gap of
		// tens of
		// thousands in domainevententry's global index, which the publisher's gap-aware
		// tracking token would then carry (and copy) for a minute.
		database.execute(schema, "CREATE TABLE bench_jdbc_baseline (LIKE domainevententry INCLUDING CONSTRAINTS "
				+ "INCLUDING INDEXES); CREATE SEQUENCE bench_jdbc_baseline_seq; ALTER TABLE bench_jdbc_baseline "
				+ "ALTER COLUMN globalindex SET DEFAULT nextval('bench_jdbc_baseline_seq')");
		byte[] payload = eventPayload();
		byte[] metadata = ("{\"correlationId\":\"" + UUID.randomUUID() + "\",\"traceId\":\"" + UUID.randomUUID()
				+ "\"}")
			.getBytes();
		List<Connection> connections = new ArrayList<>();
		List<PreparedStatement> statements = new ArrayList<>();
		String[] aggregates = new String[clients];
		long[] sequences = new long[clients];
		try {
			for (int client = 0; client < clients; client++) {
				Connection connection = database.connect(schema);
				connections.add(connection);
				statements.add(connection.prepareStatement("INSERT INTO bench_jdbc_baseline (aggregateidentifier, "
						+ "sequencenumber, type, eventidentifier, metadata, payload, payloadrevision, payloadtype, "
						+ "timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
				aggregates[client] = OrganizationId.generate().value();
			}
			Load.Task insert = (client, sequence) -> {
				PreparedStatement statement = statements.get(client);
				statement.setString(1, aggregates[client]);
				statement.setLong(2, sequences[client]++);
				statement.setString(3, "Organization");
				statement.setString(4, UUID.randomUUID().toString());
				statement.setBytes(5, metadata);
				statement.setBytes(6, payload);
				statement.setString(7, "1");
				statement.setString(8, MemberRoleChanged.class.getName());
				statement.setString(9, Instant.now().toString());
				return statement.executeUpdate() == 1;
			};
			Load.closed(clients, this.settings.warmup(), insert);
			return Load.closed(clients, this.settings.commandRun(), insert);
		}
		finally {
			for (Connection connection : connections) {
				connection.close();
			}
			database.execute(schema, "DROP TABLE bench_jdbc_baseline; DROP SEQUENCE bench_jdbc_baseline_seq");
		}
	}

	// 2. Checks at a fixed arrival rate, against a trivial endpoint of the same service
	// (its
	// liveness probe, served on the management port).
	private void checks(Api api, Api management, ServiceProcess service, BenchDatabase database, String schema,
			Organization organization) throws Exception {
		// The commands before this phase leave the publisher and the projection a backlog
		// (a minute of 32 clients' commands when only the checks run): checked during it,
		// the checks would measure the service catching up, not the check.
		long settling = System.nanoTime();
		settled(database, schema, Duration.ofMinutes(3));
		double settledSeconds = since(settling);
		log("Checks: the service settled (no row written for a second) in " + Load.round(settledSeconds) + " s");
		Member member = organization.members().get(0);
		// Decided for a project, the longest path a check takes: the member's access to
		// the project and the role they act as there (an Annotator with a Reviewer
		// project role).
		api.project(organization, CHECK_PROJECT, member, "RE");
		String path = "/api/organizations/" + organization.id() + "/permissions/check?user_id=" + member.userId()
				+ "&action=" + CHECK_ACTION + "&project_id=" + CHECK_PROJECT;
		Load.Task check = (client, sequence) -> {
			HttpResponse<String> answer = api.get(path, organization.ownerToken());
			return answer.statusCode() == 200 && answer.body().contains("\"allowed\":true");
		};
		// The project's commands reach the permission view through Kafka: warm up and
		// measure only once the view decides with them, or the first windows count
		// refusals (seconds of them on a busy machine).
		long projected = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!check.run(0, 0) && System.nanoTime() < projected) {
			ServiceProcess.sleep(Duration.ofMillis(50));
		}
		String batchPath = "/api/organizations/" + organization.id() + "/permissions/check-batch";
		String batch = checkBatch(organization, member);
		Load.Task batchCheck = (client, sequence) -> {
			HttpResponse<String> answer = api.post(batchPath, organization.ownerToken(), batch);
			return answer.statusCode() == 200 && answer.body().contains("\"correlation_id\":\"" + (BATCH_SIZE - 1));
		};
		Load.Task trivial = (client, sequence) -> management.get(TRIVIAL_PATH, null).statusCode() == 200;
		CheckWarmup warm = warmUpChecks(check, trivial);
		log("Checks warmed up for " + Load.round(warm.seconds()) + " s, " + (warm.stabilized() ? "" : "not ")
				+ "stable: " + warm.rounds());
		int rate;
		String rateRule;
		if (this.settings.checkRateFollowsLiveness()) {
			rate = (int) Math.max(1, Math.min(this.settings.checkRate(),
					Math.round(this.settings.checkRateShare() * warm.livenessPerSecond())));
			rateRule = this.settings.checkRateShare() + " of the saturated liveness rate at the end of the warm-up ("
					+ Results.format(warm.livenessPerSecond()) + "/s), at most " + this.settings.checkRate() + "/s";
		}
		else {
			rate = this.settings.checkRate();
			rateRule = "fixed";
		}
		log("Checks: " + rate + "/s open model (" + rateRule + "), then saturation with "
				+ this.settings.saturationClients() + " clients");
		Load.open(rate, this.settings.warmup(), 64, check);
		Load.Outcome checkOpen = Load.open(rate, this.settings.checkRun(), 64, check);
		log("Check at " + rate + "/s: " + checkOpen.summary());
		Load.open(rate, this.settings.warmup(), 64, trivial);
		Load.Outcome trivialOpen = Load.open(rate, this.settings.checkRun(), 64, trivial);
		log("Trivial at " + rate + "/s: " + trivialOpen.summary());
		long cpuBefore = service.cpuMillis();
		Load.Outcome checkMax = Load.closed(this.settings.saturationClients(), this.settings.saturationRun(), check);
		double cpuPerCheck = (double) (service.cpuMillis() - cpuBefore) / checkMax.ok();
		log("Check saturated: " + checkMax.summary() + ", " + Load.round(cpuPerCheck * 1000) + " µs service CPU each");
		// The same check without the project, in the same conditions: what deciding for a
		// project adds to a check.
		String withoutProject = path.substring(0, path.indexOf("&project_id="));
		Load.Task plainCheck = (client,
				sequence) -> api.get(withoutProject, organization.ownerToken()).statusCode() == 200;
		cpuBefore = service.cpuMillis();
		Load.Outcome plainMax = Load.closed(this.settings.saturationClients(), this.settings.saturationRun(),
				plainCheck);
		double cpuPerPlainCheck = (double) (service.cpuMillis() - cpuBefore) / plainMax.ok();
		log("Check without the project saturated: " + plainMax.summary() + ", " + Load.round(cpuPerPlainCheck * 1000)
				+ " µs service CPU each");
		cpuBefore = service.cpuMillis();
		Load.Outcome trivialMax = Load.closed(this.settings.saturationClients(), this.settings.saturationRun(),
				trivial);
		double cpuPerTrivial = (double) (service.cpuMillis() - cpuBefore) / trivialMax.ok();
		log("Trivial saturated: " + trivialMax.summary() + ", " + Load.round(cpuPerTrivial * 1000)
				+ " µs service CPU each");
		int batchRate = Math.max(1, rate / BATCH_SIZE);
		Load.open(batchRate, this.settings.warmup(), 64, batchCheck);
		Load.Outcome batchOpen = Load.open(batchRate, this.settings.checkRun(), 64, batchCheck);
		log("Batch of " + BATCH_SIZE + " at " + batchRate + "/s: " + batchOpen.summary());
		cpuBefore = service.cpuMillis();
		Load.Outcome batchMax = Load.closed(this.settings.saturationClients(), this.settings.saturationRun(),
				batchCheck);
		double cpuPerBatch = (double) (service.cpuMillis() - cpuBefore) / batchMax.ok();
		log("Batch saturated: " + batchMax.summary() + ", " + Load.round(cpuPerBatch * 1000) + " µs service CPU each");
		Map<String, Object> section = section("checks");
		section.put("request", "GET "
				+ path.replace(organization.id(), "{org}").replace("user_id=" + member.userId(), "user_id={member}")
				+ " as the Owner (HS256 bearer token)");
		section.put("baseline_request",
				"GET " + TRIVIAL_PATH + " on the management port (no token; Spring Boot's liveness probe)");
		section.put("settled_seconds_before_checks", Load.round(settledSeconds));
		section.put("warmup", warm.summary(this.settings));
		section.put("open_model_rate_per_second", rate);
		section.put("open_model_rate_rule", rateRule);
		section.put("check_open", checkOpen.summary());
		section.put("baseline_open", trivialOpen.summary());
		section.put("saturation_clients", this.settings.saturationClients());
		section.put("check_saturated", checkMax.summary());
		section.put("baseline_saturated", trivialMax.summary());
		section.put("service_cpu_us_per_check_saturated", Load.round(cpuPerCheck * 1000));
		section.put("service_cpu_us_per_baseline_request_saturated", Load.round(cpuPerTrivial * 1000));
		section.put("check_without_project_request", "the same GET without project_id (the member's organization role "
				+ "decides; refused for an Annotator)");
		section.put("check_without_project_saturated", plainMax.summary());
		section.put("service_cpu_us_per_check_without_project_saturated", Load.round(cpuPerPlainCheck * 1000));
		section.put("project_check_throughput_ratio_to_check_without_project",
				Load.round(checkMax.throughput() / plainMax.throughput()));
		section.put("batch_request", "POST " + batchPath.replace(organization.id(), "{org}") + " with " + BATCH_SIZE
				+ " checks (two members, eleven actions, with and without the project) as the Owner");
		section.put("batch_open_rate_per_second", batchRate);
		section.put("batch_open", batchOpen.summary());
		section.put("batch_saturated", batchMax.summary());
		section.put("service_cpu_us_per_batch_saturated", Load.round(cpuPerBatch * 1000));
		this.results.key("check_batch_p99_ms", batchOpen.millis(99),
				"p50 " + Results.format(batchOpen.millis(50)) + " / p99 " + Results.format(batchOpen.millis(99))
						+ " ms for " + BATCH_SIZE + " checks at " + batchRate + " batches/s",
				"one check p99 " + Results.format(checkOpen.millis(99)) + " ms at " + rate + "/s", null, true);
		this.results.key("check_batch_throughput_ratio", batchMax.throughput() * BATCH_SIZE / checkMax.throughput(),
				Results.format(batchMax.throughput() * BATCH_SIZE) + " checks/s in batches of " + BATCH_SIZE
						+ " saturated",
				Results.format(checkMax.throughput()) + " single checks/s saturated", 1.0, false);
		this.results.key("check_p99_ms", checkOpen.millis(99),
				"p50 " + Results.format(checkOpen.millis(50)) + " / p99 " + Results.format(checkOpen.millis(99))
						+ " / p99.9 " + Results.format(checkOpen.millis(99.9)) + " ms at " + rate + "/s",
				"liveness p50 " + Results.format(trivialOpen.millis(50)) + " / p99 "
						+ Results.format(trivialOpen.millis(99)) + " / p99.9 "
						+ Results.format(trivialOpen.millis(99.9)) + " ms",
				5.0, true);
		this.results.key("check_throughput_ratio", checkMax.throughput() / trivialMax.throughput(),
				Results.format(checkMax.throughput()) + " checks/s saturated",
				Results.format(trivialMax.throughput()) + " liveness/s saturated", 0.7, false);
	}

	/**
	 * How the checks' warm-up went: each round's saturated rates, and whether they
	 * settled.
	 */
	private record CheckWarmup(List<Map<String, Object>> rounds, double seconds, boolean stabilized,
			double livenessPerSecond) {

		Map<String, Object> summary(BenchSettings settings) {
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("method", "rounds of " + settings.saturationClients() + " closed-loop clients for "
					+ BenchSettings.CHECK_WARMUP_WINDOW.toSeconds() + " s on the check, then as long on the liveness "
					+ "probe, until both saturated rates are within " + Math.round(BenchSettings.STABLE_WITHIN * 100)
					+ " % of the round before, or " + settings.checkWarmupCap().toSeconds() + " s have passed");
			summary.put("seconds", Load.round(this.seconds));
			summary.put("stabilized", this.stabilized);
			summary.put("rounds", this.rounds);
			return summary;
		}

	}

	/**
	 * Saturates the check and the liveness probe in alternating windows until their rates
	 * stop rising (JIT, caches and connection pools of both JVMs warm), with a cap.
	 */
	private CheckWarmup warmUpChecks(Load.Task check, Load.Task trivial) {
		long begun = System.nanoTime();
		long cap = begun + this.settings.checkWarmupCap().toNanos();
		List<Map<String, Object>> rounds = new ArrayList<>();
		double lastCheck = 0;
		double lastTrivial = 0;
		boolean stabilized = false;
		while (!stabilized && System.nanoTime() < cap) {
			double checkRate = Load.closed(this.settings.saturationClients(), BenchSettings.CHECK_WARMUP_WINDOW, check)
				.throughput();
			double trivialRate = Load
				.closed(this.settings.saturationClients(), BenchSettings.CHECK_WARMUP_WINDOW, trivial)
				.throughput();
			Map<String, Object> round = new LinkedHashMap<>();
			round.put("check_per_second", Load.round(checkRate));
			round.put("liveness_per_second", Load.round(trivialRate));
			rounds.add(round);
			stabilized = lastCheck > 0 && within(checkRate, lastCheck) && within(trivialRate, lastTrivial);
			lastCheck = checkRate;
			lastTrivial = trivialRate;
		}
		return new CheckWarmup(rounds, since(begun), stabilized, lastTrivial);
	}

	private static boolean within(double rate, double before) {
		return Math.abs(rate - before) <= BenchSettings.STABLE_WITHIN * before;
	}

	/**
	 * A batch of {@link #BATCH_SIZE} checks as an upstream app sends one to render a
	 * page: the member and the Owner, every project-scoped action in turn, each with and
	 * without the project.
	 */
	private static String checkBatch(Organization organization, Member member) {
		List<String> actions = List.of("project_read", "project_manage", "view_project_data", "import_data",
				"export_data", "assign_annotators", "access_labeling_workflow", "access_review_workflow",
				"monitor_annotator_agreement", "verify_annotation_results", "view_dashboards");
		StringBuilder body = new StringBuilder("{\"checks\":[");
		for (int index = 0; index < BATCH_SIZE; index++) {
			long user = (index % 2 == 0) ? member.userId() : organization.ownerId();
			body.append((index > 0) ? "," : "")
				.append("{\"correlation_id\":\"")
				.append(index)
				.append("\",\"user_id\":")
				.append(user)
				.append(",\"action\":\"")
				.append(actions.get(index % actions.size()))
				.append('"')
				.append((index % 4 < 2) ? ",\"project_id\":\"" + CHECK_PROJECT + "\"" : "")
				.append('}');
		}
		return body.append("]}").toString();
	}

	// 3. From a command's acceptance to the change being visible on the query side and on
	// Kafka.
	private void propagation(Api api, ServiceProcess service, List<Organization> organizations) throws Exception {
		log("Propagation: " + this.settings.propagationRate() + " commands/s");
		Histogram query = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(10), 3);
		Map<String, Long> accepted = new java.util.concurrent.ConcurrentHashMap<>();
		Load.Outcome commands;
		List<Long> kafkaLags = new ArrayList<>();
		try (Topics.Watcher watcher = new Topics.Watcher(service.kafkaBootstrap())) {
			commands = Load.open(this.settings.propagationRate(), this.settings.propagationRun(), 16,
					(client, sequence) -> {
						Organization organization = organizations.get((int) (sequence % organizations.size()));
						Member member = organization.members().get(0);
						long version = api.toggleRole(organization, member);
						long acceptedAt = System.nanoTime();
						accepted.put(organization.id() + "@" + version, acceptedAt);
						HttpResponse<String> visible = api.get(
								"/api/organizations/" + organization.id() + "/permissions/check?user_id="
										+ member.userId() + "&action=" + CHECK_ACTION + "&min_version=" + version,
								organization.ownerToken());
						long lag = System.nanoTime() - acceptedAt;
						query.recordValue(
								Math.min(TimeUnit.NANOSECONDS.toMicros(lag), query.getHighestTrackableValue()));
						return visible.statusCode() == 200;
					});
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (System.nanoTime() < deadline && accepted.keySet().stream().anyMatch((key) -> {
				String[] parts = key.split("@");
				return watcher.arrival(parts[0], Long.parseLong(parts[1])) == null;
			})) {
				ServiceProcess.sleep(Duration.ofMillis(100));
			}
			accepted.forEach((key, acceptedAt) -> {
				String[] parts = key.split("@");
				Long arrival = watcher.arrival(parts[0], Long.parseLong(parts[1]));
				if (arrival != null) {
					kafkaLags.add(Math.max(0, arrival - acceptedAt));
				}
			});
		}
		Histogram kafka = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
		kafkaLags.forEach((lag) -> kafka
			.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(lag), kafka.getHighestTrackableValue())));
		Map<String, Object> section = section("propagation");
		section.put("commands", commands.summary());
		section.put("to_query_side", lagSummary(query));
		section.put("to_kafka", with(lagSummary(kafka), "missing", accepted.size() - kafkaLags.size()));
		section.put("method", "after each accepted command (answer received), a check with min_version=<its version>"
				+ " waits on the server until the in-memory view has it; Kafka: a plain consumer's arrival time of the"
				+ " record (organization, ce_orgversion), 0 if it arrived before the HTTP answer");
		log("Propagation: query " + lagSummary(query) + ", kafka " + lagSummary(kafka));
		this.results.key("propagation_p99_ms", query.getValueAtPercentile(99) / 1000.0,
				"to query side p50 " + Results.format(query.getValueAtPercentile(50) / 1000.0) + " / p99 "
						+ Results.format(query.getValueAtPercentile(99) / 1000.0) + " ms; to Kafka p50 "
						+ Results.format(kafka.getValueAtPercentile(50) / 1000.0) + " / p99 "
						+ Results.format(kafka.getValueAtPercentile(99) / 1000.0) + " ms",
				"", 200.0, true);
	}

	// 5. Command latency on a large, long-lived organization against a new one.
	// 8. Bulk requests against single commands, in events stored per second.
	/**
	 * {@value #BULK_CLIENTS} clients, closed loop, each in an organization of its own of
	 * {@value #BULK_MEMBERS} Annotators (a bulk request is one command of one
	 * organization, so requests to one organization only queue): single role changes
	 * first (one event each: the rate to compare with), then 1,000-item role-change
	 * requests over the same members, then 1,000-item invitation requests; each after a
	 * warm-up of its own, for as long as the command runs.
	 */
	private void bulk(Api api) throws Exception {
		log("Bulk: setting up " + BULK_CLIENTS + " organizations of " + BULK_MEMBERS + " members");
		List<Organization> organizations = parallel(BULK_CLIENTS, BULK_CLIENTS, (index) -> {
			Organization organization = api.createOrganization("Bulk " + index);
			for (int member = 0; member < BULK_MEMBERS; member++) {
				api.join(organization, "AN");
			}
			return organization;
		});
		Load.Task single = (client, sequence) -> {
			Organization organization = organizations.get(client);
			api.toggleRole(organization, organization.members().get((int) (sequence % BULK_MEMBERS)));
			return true;
		};
		Load.closed(BULK_CLIENTS, this.settings.warmup(), single);
		Load.Outcome singles = Load.closed(BULK_CLIENTS, this.settings.commandRun(), single);
		BulkRate singleRate = new BulkRate(singles.ok(), singles.ok(), singles.seconds());
		log("Bulk: single role changes " + singles.summary());

		AtomicLong roleEvents = new AtomicLong();
		Load.Task roleChanges = (client, sequence) -> {
			Organization organization = organizations.get(client);
			int accepted = api.changeRolesInBulk(organization, List.copyOf(organization.members()), BULK_ITEMS);
			roleEvents.addAndGet(accepted);
			return accepted == BULK_ITEMS;
		};
		Load.closed(BULK_CLIENTS, this.settings.warmup(), roleChanges);
		roleEvents.set(0);
		Load.Outcome roleRun = Load.closed(BULK_CLIENTS, this.settings.commandRun(), roleChanges);
		BulkRate roleRate = new BulkRate(roleRun.ok(), roleEvents.get(), roleRun.seconds());
		log("Bulk: 1,000-item role changes " + roleRun.summary() + ", " + Load.round(roleRate.eventsPerSecond())
				+ " events/s");

		AtomicLong invitationEvents = new AtomicLong();
		Load.Task invitations = (client, sequence) -> {
			int accepted = api.inviteInBulk(organizations.get(client), BULK_ITEMS,
					"bulk-" + client + "-" + sequence + "-" + System.nanoTime() + "-");
			invitationEvents.addAndGet(accepted);
			return accepted == BULK_ITEMS;
		};
		Load.closed(BULK_CLIENTS, this.settings.warmup(), invitations);
		invitationEvents.set(0);
		Load.Outcome invitationRun = Load.closed(BULK_CLIENTS, this.settings.commandRun(), invitations);
		BulkRate invitationRate = new BulkRate(invitationRun.ok(), invitationEvents.get(), invitationRun.seconds());
		log("Bulk: 1,000-item invitations " + invitationRun.summary() + ", "
				+ Load.round(invitationRate.eventsPerSecond()) + " events/s");

		Map<String, Object> section = section("bulk");
		section.put("clients", BULK_CLIENTS);
		section.put("items_per_request", BULK_ITEMS);
		section.put("members_per_organization", BULK_MEMBERS);
		section.put("single_role_changes",
				with(singles.summary(), "events_per_second", Load.round(singleRate.eventsPerSecond())));
		section.put("role_change_requests", bulkSummary(roleRun, roleRate));
		section.put("invitation_requests", bulkSummary(invitationRun, invitationRate));
		String baseline = Results.format(singleRate.eventsPerSecond()) + " events/s, single role changes by the same "
				+ BULK_CLIENTS + " clients";
		this.results.key("bulk_role_changes_ratio", roleRate.ratioTo(singleRate.eventsPerSecond()),
				Results.format(roleRate.eventsPerSecond()) + " events/s in 1,000-item role-change requests ("
						+ Results.format(roleRate.requestsPerSecond()) + " requests/s, p50 "
						+ Results.format(roleRun.millis(50)) + " ms each)",
				baseline, null, false);
		this.results.key("bulk_invitations_ratio", invitationRate.ratioTo(singleRate.eventsPerSecond()),
				Results.format(invitationRate.eventsPerSecond()) + " events/s in 1,000-item invitation requests ("
						+ Results.format(invitationRate.requestsPerSecond()) + " requests/s, p50 "
						+ Results.format(invitationRun.millis(50)) + " ms each)",
				baseline, null, false);
	}

	private static Map<String, Object> bulkSummary(Load.Outcome outcome, BulkRate rate) {
		Map<String, Object> summary = new LinkedHashMap<>(outcome.summary());
		summary.put("events", rate.events());
		summary.put("events_per_second", Load.round(rate.eventsPerSecond()));
		return summary;
	}

	private void growth(Api api) throws Exception {
		int members = this.settings.growthMembers();
		int events = this.settings.growthEvents();
		log("Growth: loading an organization of " + members + " members and " + events + " events over HTTP");
		long loading = System.nanoTime();
		Organization big = api.createOrganization("Growth");
		parallel(members, 16, (index) -> api.join(big, "AN"));
		List<Member> bigMembers = List.copyOf(big.members());
		int toggles = Math.max(0, events - 1 - 2 * members);
		int loaders = 16;
		parallel(loaders, loaders, (loader) -> {
			// Each loader toggles only its own members, so no two requests race on one.
			List<Member> mine = new ArrayList<>();
			for (int index = loader; index < bigMembers.size(); index += loaders) {
				mine.add(bigMembers.get(index));
			}
			for (int toggle = loader; toggle < toggles; toggle += loaders) {
				api.toggleRole(big, mine.get((toggle / loaders) % mine.size()));
			}
			return null;
		});
		double loadSeconds = (System.nanoTime() - loading) / 1e9;
		long loadedEvents = 1 + 2L * members + toggles;
		log("Growth: loaded " + loadedEvents + " events in " + Load.round(loadSeconds) + " s");
		Organization fresh = api.createOrganization("Fresh");
		parallel(10, 10, (index) -> api.join(fresh, "AN"));
		List<Member> freshMembers = List.copyOf(fresh.members());
		int rate = this.settings.growthRate();
		Load.Task onBig = (client, sequence) -> {
			api.toggleRole(big, bigMembers.get((int) ((sequence * 7919) % bigMembers.size())));
			return true;
		};
		Load.Task onFresh = (client, sequence) -> {
			api.toggleRole(fresh, freshMembers.get((int) (sequence % freshMembers.size())));
			return true;
		};
		CompletableFuture<Load.Outcome> bigRun = CompletableFuture
			.supplyAsync(() -> Load.open(rate, this.settings.growthRun(), 16, onBig));
		CompletableFuture<Load.Outcome> freshRun = CompletableFuture
			.supplyAsync(() -> Load.open(rate, this.settings.growthRun(), 16, onFresh));
		Load.Outcome large = bigRun.get();
		Load.Outcome small = freshRun.get();
		log("Growth: large " + large.summary() + ", new " + small.summary());
		Map<String, Object> section = section("growth");
		section.put("large_organization", Map.of("members", members + 1, "events", loadedEvents, "loaded_in_seconds",
				Load.round(loadSeconds), "loaded_per_second", Load.round(loadedEvents / loadSeconds)));
		section.put("rate_per_second_each", rate);
		section.put("commands_large", large.summary());
		section.put("commands_new", small.summary());
		this.results.key("growth_p99_ratio", large.millis(99) / small.millis(99),
				"p99 " + Results.format(large.millis(99)) + " ms on " + (members + 1) + " members / " + loadedEvents
						+ " events",
				"p99 " + Results.format(small.millis(99)) + " ms on a new org (11 members)", 1.5, true);
	}

	// 4 and 6. Rebuilding the query side from the topic in a fresh schema, against a
	// plain
	// consumer; the rebuilt service's resident memory.
	private Topics.Read replayAndMemory(BenchDatabase database, String schema, Path data, int kafkaPort,
			long topicEvents, SyntheticEvents.Written synthetic) throws Exception {
		log("Replay: a second service on the same broker log and a fresh schema rebuilds " + topicEvents + " events");
		long launched = System.nanoTime();
		long[] first = { 0, 0 };
		long done = 0;
		Map<String, Object> section = section("replay");
		try (ServiceProcess service = startService("b", schema, data, kafkaPort);
				Connection connection = database.connect(schema)) {
			log("Service b started (pid " + service.pid() + ") after " + Load.round(since(launched)) + " s");
			long deadline = this.settings.quick() ? Math.max(this.started + BenchSettings.quickBudget().toNanos(),
					System.nanoTime() + TimeUnit.SECONDS.toNanos(30)) : launched + TimeUnit.MINUTES.toNanos(40);
			long applied = 0;
			long cpuAtFirst = 0;
			while (System.nanoTime() < deadline) {
				applied = appliedPosition(connection);
				long now = System.nanoTime();
				if (applied > 0 && first[0] == 0) {
					first[0] = now;
					first[1] = applied;
					cpuAtFirst = service.cpuMillis();
				}
				if (applied >= topicEvents) {
					done = now;
					break;
				}
				ServiceProcess.sleep(Duration.ofMillis(50));
			}
			if (done == 0) {
				log("Replay did not finish in time: " + applied + " of " + topicEvents);
				done = System.nanoTime();
			}
			double seconds = (done - first[0]) / 1e9;
			double perSecond = (applied - first[1]) / seconds;
			// The service's own CPU for what it rebuilt: on a busy machine the rate drops
			// with what else runs, this much less.
			double cpuMicrosPerEvent = (service.cpuMillis() - cpuAtFirst) * 1000.0 / (applied - first[1]);
			section.put("events_on_topic", topicEvents);
			section.put("synthetic_events", synthetic.events());
			section.put("events_applied", applied);
			section.put("finished", applied >= topicEvents);
			if (this.settings.quick()) {
				section.put("quick_budget_seconds", BenchSettings.quickBudget().toSeconds());
			}
			section.put("seconds_from_first_commit", Load.round(seconds));
			section.put("seconds_from_launch", Load.round((done - launched) / 1e9));
			section.put("per_second", Load.round(perSecond));
			section.put("service_cpu_us_per_event", Load.round(cpuMicrosPerEvent));
			section.put("method", "the service's own ProjectionConsumer (MembershipProjection + PermissionView) in a "
					+ "second service JVM over a fresh schema; rate from its first committed batch to the last");
			log("Replay: " + applied + " events in " + Load.round(seconds) + " s = " + Load.round(perSecond) + "/s, "
					+ Load.round(cpuMicrosPerEvent) + " µs of service CPU each");
			ServiceProcess.sleep(Duration.ofMillis(1000));
			long[] loaded = service.residentKib();
			service.fullGc();
			ServiceProcess.sleep(Duration.ofMillis(1000));
			long[] afterGc = service.residentKib();
			long heapUsed = service.heapUsedKib();
			long members = count(connection, "SELECT COUNT(*) FROM qs_members");
			Map<String, Object> memory = section("memory");
			memory.put("members_loaded", members);
			memory.put("synthetic_members", synthetic.members());
			memory.put("service_b_rss_after_replay_mb", mb(loaded[0]));
			memory.put("service_b_peak_rss_mb", mb(loaded[1]));
			memory.put("service_b_rss_after_full_gc_mb", mb(afterGc[0]));
			memory.put("service_b_heap_used_after_full_gc_mb", mb(heapUsed));
			Object idleHeap = memory.get("service_a_idle_heap_used_after_full_gc_mb");
			if (idleHeap instanceof Double idleMb && members > 0) {
				// Everything the rebuilt service holds beyond an idle one, per member: an
				// upper
				// bound of the permission view's cost (PermissionView's javadoc refers
				// here).
				memory.put("heap_bytes_per_member_estimate",
						Math.round((heapUsed / 1024.0 - idleMb) * 1024 * 1024 / members));
			}
			memory.put("jvm_args", this.settings.serviceJvmArgs());
			log("Memory: " + members + " members, RSS " + mb(loaded[0]) + " MB, after GC " + mb(afterGc[0]) + " MB");
			Topics.Read plain = Topics.readAll(service.kafkaBootstrap(), topicEvents, Duration.ofMinutes(10));
			log("Plain consumer: " + plain.records() + " records in " + Load.round(plain.secondsFromFirstRecord())
					+ " s = " + Load.round(plain.perSecond()) + "/s");
			this.results.key("replay_ratio", perSecond / plain.perSecond(),
					Results.format(perSecond) + " events/s rebuilding " + Results.format(applied) + " events",
					Results.format(plain.perSecond()) + " records/s, plain consumer", 0.3, false);
			Topics.Read durable = durableConsumer(database, service.kafkaBootstrap(), topicEvents);
			log("Durable consumer: " + durable.records() + " records in " + Load.round(durable.secondsFromFirstRecord())
					+ " s = " + Load.round(durable.perSecond()) + "/s");
			this.results.key("replay_ratio_to_durable_consumer", perSecond / durable.perSecond(),
					Results.format(perSecond) + " events/s rebuilding " + Results.format(applied) + " events",
					Results.format(durable.perSecond()) + " records/s, minimal durable projection", 0.5, false);
			double idleMb = (double) section("memory").get("service_a_idle_rss_mb");
			this.results.key("memory_rss_mb", mb(loaded[0]),
					"RSS with " + Results.format(members) + " members loaded (" + Results.format(mb(afterGc[0]))
							+ " MB after a full GC, of which Java heap in use " + Results.format(mb(heapUsed))
							+ " MB; peak " + Results.format(mb(loaded[1])) + " MB)",
					Results.format(idleMb) + " MB idle after start", null, true);
			if (applied >= topicEvents) {
				loadedStart(service, database, schema, data, topicEvents, synthetic);
			}
			else {
				section("startup").put("loaded", "not measured: the replay did not get through the topic");
			}
			return plain;
		}
	}

	/**
	 * The fair baseline for the rebuild: {@link DurableConsumer} reads the whole topic
	 * into a table of a schema of its own, while the rebuilt service is idle.
	 */
	private Topics.Read durableConsumer(BenchDatabase database, String bootstrapServers, long topicEvents)
			throws SQLException {
		String schema = database.createSchema();
		database.execute(schema, DurableConsumer.CREATE_TABLE);
		Topics.Read durable;
		try (Connection connection = database.connect(schema)) {
			durable = DurableConsumer.readAll(bootstrapServers, connection, topicEvents, Duration.ofMinutes(10));
		}
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("records", durable.records());
		detail.put("bytes", durable.bytes());
		detail.put("seconds", Load.round(durable.secondsFromFirstRecord()));
		detail.put("per_second", Load.round(durable.perSecond()));
		detail.put("rows_written", count(database, schema, "SELECT COUNT(*) FROM " + DurableConsumer.TABLE));
		detail.put("method", "a plain consumer (no group, every partition from offset 0, 1,000 records a poll) that "
				+ "inserts one row per record (organization id, ce_orgversion, ce_id, payload; primary key "
				+ "organization and version, a duplicate skipped) into PostgreSQL, one JDBC batch and one commit per "
				+ "poll; rate from its first poll to its last commit, while the rebuilt service is idle");
		section("replay").put("durable_consumer", detail);
		database.execute(null, "DROP SCHEMA " + schema + " CASCADE");
		return durable;
	}

	private static long count(BenchDatabase database, String schema, String sql) throws SQLException {
		try (Connection connection = database.connect(schema)) {
			return count(connection, sql);
		}
	}

	/**
	 * Start-up with the query side loaded: the rebuilt service is stopped and started
	 * again on the same schema and broker log, and timed from launching its JVM until
	 * readiness is UP and its permission view answers a check on the member the topic
	 * loaded last, at that organization's last version.
	 */
	private void loadedStart(ServiceProcess service, BenchDatabase database, String schema, Path data, long topicEvents,
			SyntheticEvents.Written synthetic) throws Exception {
		Map<String, Long> stored = database.rowCounts(schema);
		long queryRows = stored.entrySet()
			.stream()
			.filter((table) -> table.getKey().startsWith("qs_"))
			.mapToLong(Map.Entry::getValue)
			.sum();
		long eventStore = stored.getOrDefault("domainevententry", 0L);
		long members = stored.getOrDefault("qs_members", 0L);
		log("Start-up: stopping service b and starting it again on the same schema and broker log");
		service.stop();
		long relaunched = System.nanoTime();
		service.start();
		double ready = since(relaunched);
		SyntheticEvents.LastLoaded last = synthetic.lastLoaded();
		Api api = new Api(service.baseUrl());
		String path = "/api/organizations/" + last.organizationId() + "/permissions/check?user_id=" + last.memberId()
				+ "&action=project_read";
		String token = Tokens.forUser(last.ownerId());
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		boolean answered = false;
		String lastAnswer = "";
		int attempts = 0;
		while (!answered && System.nanoTime() < deadline) {
			attempts++;
			HttpResponse<String> answer = api.get(path, token);
			lastAnswer = answer.statusCode() + " " + answer.body();
			answered = answer.statusCode() == 200 && Api.json(answer.body()).path("version").asLong() == last.version();
			if (!answered) {
				ServiceProcess.sleep(Duration.ofMillis(20));
			}
		}
		double viewAnswers = since(relaunched);
		log("Start-up with " + members + " members: ready in " + Load.round(ready) + " s, the view answered at "
				+ Load.round(viewAnswers) + " s (" + lastAnswer + ")");
		Map<String, Object> startup = section("startup");
		startup.put("loaded_ready_seconds", Load.round(ready));
		startup.put("loaded_view_answers_seconds", Load.round(viewAnswers));
		startup.put("loaded_view_answered", answered);
		// 1: the view was loaded when readiness turned UP, and the time after it is the
		// first request's own.
		startup.put("loaded_view_check_attempts", attempts);
		startup.put("loaded", "service b stopped gracefully after its rebuild and started again on the same schema "
				+ "and broker log; from launching its JVM to readiness UP on the management port (polled every "
				+ "250 ms), then to its first answer to GET /api/organizations/{last}/permissions/check?user_id={member "
				+ "who joined last}&action=project_read as that organization's Owner carrying the organization's last "
				+ "version; {last} is the organization whose event is the topic's last synthetic record");
		Map<String, Object> what = new LinkedHashMap<>();
		what.put("members_in_query_side", members);
		what.put("records_on_topic", topicEvents);
		what.put("synthetic_records_on_topic", synthetic.events());
		what.put("query_side_rows", queryRows);
		what.put("event_store_events", eventStore);
		what.put("events_topic_log_bytes", topicLogBytes(data));
		what.put("rows_per_table", stored);
		what.put("note", "the synthetic events were written to the topic, not sent as commands: they are on the "
				+ "topic (the broker's log) and in the query side's tables; this schema's event store holds "
				+ "only what came through its own commands (none); the other phases' records on the topic came through "
				+ "the first service's commands and are in the first schema's event store");
		startup.put("loaded_stored", what);
		if (!answered) {
			log("Start-up: the view did not answer for the last member within 60 s: " + lastAnswer);
			return;
		}
		double idle = (double) startup.get("idle_ready_seconds");
		this.results.key("startup_ratio", viewAnswers / idle,
				"ready and answering in " + Results.format(viewAnswers) + " s (readiness UP at " + Results.format(ready)
						+ " s) with " + Results.format(members) + " members and " + Results.format(queryRows)
						+ " rows in the query side's tables, " + Results.format(topicEvents) + " records on the topic, "
						+ Results.format(eventStore) + " events in the event store",
				Results.format(idle) + " s, first start on an empty schema", 2.0, true);
	}

	/**
	 * The size of the events topic's log segments in the broker's data directory (not its
	 * index files, which Kafka allocates at full size whatever they hold).
	 */
	private static long topicLogBytes(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			return paths
				.filter((file) -> file.getFileName().toString().endsWith(".log")
						&& file.getParent().getFileName().toString().startsWith(SyntheticEvents.TOPIC + "-"))
				.mapToLong((file) -> {
					try {
						return Files.size(file);
					}
					catch (IOException ex) {
						// A segment the broker deleted meanwhile.
						return 0;
					}
				})
				.sum();
		}
	}

	/**
	 * The schema's row counts once the publisher and the projection have caught up (no
	 * table changed for a second), at most 20 s after the load stopped.
	 */
	private static Map<String, Long> settled(BenchDatabase database, String schema) {
		return settled(database, schema, Duration.ofSeconds(20));
	}

	/**
	 * The schema's row counts once they stop changing for a second (the publisher and the
	 * projection have nothing left to write), or at the deadline.
	 */
	private static Map<String, Long> settled(BenchDatabase database, String schema, Duration atMost) {
		Map<String, Long> counts = database.rowCounts(schema);
		long deadline = System.nanoTime() + atMost.toNanos();
		while (System.nanoTime() < deadline) {
			ServiceProcess.sleep(Duration.ofMillis(1000));
			Map<String, Long> again = database.rowCounts(schema);
			if (again.equals(counts)) {
				return again;
			}
			counts = again;
		}
		return counts;
	}

	private static long appliedPosition(Connection connection) {
		try {
			return count(connection,
					"SELECT COALESCE(SUM(next_offset), 0) FROM qs_consumer_positions WHERE topic = 'membership.events.v1'");
		}
		catch (IllegalStateException ex) {
			// Flyway has not created the table yet.
			return 0;
		}
	}

	private static long count(Connection connection, String sql) {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			try {
				if (!connection.getAutoCommit()) {
					connection.rollback();
				}
			}
			catch (SQLException ignored) {
				// Reported below.
			}
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	private Map<String, Object> machine(BenchDatabase database) throws IOException {
		Map<String, Object> machine = new LinkedHashMap<>();
		machine.put("processors", Runtime.getRuntime().availableProcessors());
		machine.put("cpu", cpuModel());
		machine.put("memory_total", meminfo("MemTotal"));
		machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		machine.put("postgresql", database.serverVersion());
		machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		machine.put("load_average_at_start", Files.readString(Path.of("/proc/loadavg")).trim());
		return machine;
	}

	private static String cpuModel() throws IOException {
		try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
			return lines.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown");
		}
	}

	private static String meminfo(String field) throws IOException {
		try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
			return lines.filter((line) -> line.startsWith(field + ":"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown");
		}
	}

	@FunctionalInterface
	private interface Step<T> {

		T run(int index) throws Exception;

	}

	private static <T> List<T> parallel(int count, int threads, Step<T> step) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<T>> futures = new ArrayList<>();
			for (int index = 0; index < count; index++) {
				int current = index;
				futures.add(pool.submit(() -> step.run(current)));
			}
			List<T> values = new ArrayList<>();
			for (Future<T> future : futures) {
				values.add(future.get());
			}
			return values;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private Map<String, Object> section(String name) {
		return this.results.section(name);
	}

	private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
		Map<String, Object> copy = new LinkedHashMap<>(map);
		copy.put(key, value);
		return copy;
	}

	private static Map<String, Object> lagSummary(Histogram micros) {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("samples", micros.getTotalCount());
		summary.put("p50_ms", Load.round(micros.getValueAtPercentile(50) / 1000.0));
		summary.put("p99_ms", Load.round(micros.getValueAtPercentile(99) / 1000.0));
		summary.put("p999_ms", Load.round(micros.getValueAtPercentile(99.9) / 1000.0));
		summary.put("max_ms", Load.round(micros.getMaxValue() / 1000.0));
		return summary;
	}

	private static double mb(long kib) {
		return Load.round(kib / 1024.0);
	}

	private static double since(long nanos) {
		return (System.nanoTime() - nanos) / 1e9;
	}

	private double elapsed() {
		return since(this.started);
	}

	private void log(String message) {
		System.out.printf("[bench %6.1f s] %s%n", elapsed(), message);
		System.out.flush();
	}

	private static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(path)) {
			for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(each);
			}
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
	}

}
