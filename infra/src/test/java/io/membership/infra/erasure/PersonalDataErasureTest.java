package io.membership.infra.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.audit.verify.AuditVerifier;
import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.kafka.KafkaSettings;
import io.membership.infra.support.AddressSearch;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.EmbeddedService;
import io.membership.infra.support.RevisionOneFixtures;
import io.membership.infra.support.TestDatabase;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestRecordKey;
import io.membership.infra.support.TopicReader;
import io.membership.query.rebuild.ProjectionRebuild;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * Issue 17, "Done when": a person who is a member of three organizations, one of them
 * from before the upgrade (its events stored as revision 1 with the address inside, then
 * migrated) and one they created and handed over before the erasure, is erased; then no
 * table of any schema the service uses, no REST answer, no audit export, no verifier
 * output, no line of the service's log and no Kafka record written after the erasure
 * holds the address; exports taken before and after verify against the same signed
 * checkpoints; and a rebuild of the views from the topics equals the live views.
 */
@ExtendWith(OutputCaptureExtension.class)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PersonalDataErasureTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String ANNA_EMAIL = RevisionOneFixtures.ANNA_EMAIL;

	private static final long ANNA = RevisionOneFixtures.ANNA;

	private static final String MIGRATED = RevisionOneFixtures.ORGANIZATION;

	private static Path dataDirectory;

	private static UpgradedStore store;

	private static ConfigurableApplicationContext service;

	private static int port;

	@BeforeAll
	static void anOlderVersionsStoreUpgraded() throws Exception {
		dataDirectory = Files.createTempDirectory("membership-upgrade");
		TestDatabase database = TestDatabase.get();
		store = new UpgradedStore(database, dataDirectory);
		service = EmbeddedService.start(dataDirectory, "--spring.datasource.url=" + database.jdbcUrl(store.schema),
				"--spring.datasource.username=" + database.username(),
				"--spring.datasource.password=" + database.password(), "--spring.flyway.default-schema=" + store.schema,
				"--membership.kafka.record-key=" + TestRecordKey.VALUE, "--membership.audit.export-settle-time=0s");
		port = EmbeddedService.port(service);
		publishedByTheOlderVersion();
	}

	/**
	 * The revision-1 records the older version published, addresses inside: on the topic
	 * for good. Every reader drops the address of a revision-1 record.
	 */
	private static void publishedByTheOlderVersion() throws Exception {
		Map<String, Object> configuration = new HashMap<>();
		configuration.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				service.getBean(KafkaBootstrapServers.class).value());
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(configuration, new StringSerializer(),
				new ByteArraySerializer())) {
			List<RevisionOneFixtures.Fixture> history = RevisionOneFixtures.history();
			for (int index = 0; index < history.size(); index++) {
				RevisionOneFixtures.Fixture fixture = history.get(index);
				JsonNode body = JSON.readTree(fixture.bytes());
				ProducerRecord<String, byte[]> record = new ProducerRecord<>(MembershipTopics.EVENTS, MIGRATED,
						fixture.bytes());
				put(record, "ce_specversion", "1.0");
				put(record, "ce_id", store.eventIds.get(index));
				put(record, "ce_source", "/organizations/" + MIGRATED);
				put(record, "ce_type", "membership." + fixture.type().getSimpleName() + ".v1");
				put(record, "ce_time", body.path("occurred_at").asString());
				if (body.has("user_id") || body.has("owner_user_id")) {
					put(record, "ce_subject", body.has("user_id") ? body.path("user_id").asString()
							: body.path("owner_user_id").asString());
				}
				put(record, "content-type", "application/json");
				put(record, "ce_orgversion", Integer.toString(index + 1));
				put(record, "ce_actorid", body.path("actor_user_id").asString());
				put(record, "ce_correlationid", body.path("correlation_id").asString());
				producer.send(TestRecordKey.sign(record)).get();
			}
		}
	}

	private static void put(ProducerRecord<String, byte[]> record, String name, String value) {
		record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
	}

	@AfterAll
	static void stop() throws SQLException {
		if (service != null) {
			service.close();
		}
		if (store != null) {
			store.drop(TestDatabase.get());
		}
	}

	private static JdbcClient jdbc() {
		return JdbcClient.create(service.getBean(DataSource.class));
	}

	private static ApiClient withScope(String scope) {
		return ApiClient.anonymous(port)
			.withToken(
					ApiClient.token("privacy-service", scope, Instant.now().plusSeconds(600), ApiClient.TEST_SECRET));
	}

	@Test
	void the_migration_moved_the_addresses_out_re_chained_and_re_signed(@org.junit.jupiter.api.io.TempDir Path files)
			throws Exception {
		assertThat(jdbc().sql("SELECT DISTINCT payloadrevision FROM domainevententry WHERE aggregateidentifier = ?")
			.param(MIGRATED)
			.query(String.class)
			.list()).containsExactly("2");
		assertThat(jdbc().sql("SELECT data_key || '=' || email FROM personal_data ORDER BY data_key")
			.query(String.class)
			.list()).contains("invitation:inv_anna=" + ANNA_EMAIL,
					"invitation:inv_bob=" + RevisionOneFixtures.BOB_EMAIL, "user:1=" + RevisionOneFixtures.OWNER_EMAIL,
					"user:42=" + ANNA_EMAIL);
		Map<String, Object> record = jdbc()
			.sql("SELECT head_version, old_head_hash, new_head_hash, first_rewritten FROM personal_data_migration "
					+ "WHERE organization_id = ?")
			.param(MIGRATED)
			.query()
			.singleRow();
		String newHead = jdbc().sql("SELECT hash FROM event_hash_chain WHERE organization_id = ? AND version = 5")
			.param(MIGRATED)
			.query(String.class)
			.single();
		assertThat(record).containsEntry("head_version", 5L)
			.containsEntry("old_head_hash", store.oldCheckpoint.hash())
			.containsEntry("new_head_hash", newHead)
			.containsEntry("first_rewritten", 1L);
		assertThat(newHead).isNotEqualTo(store.oldCheckpoint.hash());
		JsonNode checkpoint = JSON
			.readTree(withScope("membership:audit").get("/api/organizations/" + MIGRATED + "/audit/checkpoints").text())
			.path("checkpoints")
			.get(0);
		assertThat(checkpoint.path("hash").asString()).isEqualTo(newHead);
		assertThat(checkpoint.path("signature").asString()).isNotEqualTo(store.oldCheckpoint.signature());

		String export = withScope("membership:audit").get("/api/organizations/" + MIGRATED + "/audit/events").text();
		assertThat(export).contains("\"personal_data\":{\"email\":\"" + ANNA_EMAIL + "\",\"erased\":false}");
		assertThat(verify(files, export, checkpointsOf(MIGRATED))).startsWith("exit 0");

		// The Organization still decides with the address it keeps apart: anna is a
		// member.
		Answer again = ApiClient.as(port, 1)
			.post("/api/organizations/" + MIGRATED + "/invitations", "{\"email\":\"" + ANNA_EMAIL + "\"}");
		assertThat(again.status()).as(again.toString()).isEqualTo(409);
	}

	@Test
	void an_erased_person_s_address_is_nowhere_and_the_chains_verify_before_and_after(CapturedOutput log,
			@org.junit.jupiter.api.io.TempDir Path files) throws Exception {
		ApiClient anna = ApiClient.as(port, ANNA, ANNA_EMAIL);
		// After the upgrade: anna creates an organization and hands it over first.
		Answer created = anna.post("/api/organizations", "{\"name\":\"Anna's lab\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String founded = created.json().path("organization_id").asString();
		long successor = TestOrganization.newUserId();
		String successorEmail = "successor" + successor + "@members.test";
		String token = anna
			.post("/api/organizations/" + founded + "/invitations",
					"{\"email\":\"" + successorEmail + "\",\"role\":\"AD\"}")
			.json()
			.path("token")
			.asString();
		ApiClient successorClient = ApiClient.as(port, successor, successorEmail);
		assertThat(successorClient
			.post("/api/invitations/" + token + "/accept",
					"{\"user_id\":" + successor + ",\"email\":\"" + successorEmail + "\"}")
			.status()).isEqualTo(200);
		Answer handedOver = anna.post("/api/organizations/" + founded + "/ownership",
				"{\"user_id\":" + successor + "}");
		assertThat(handedOver.status()).as(handedOver.toString()).isEqualTo(200);
		// ... and joins a third one by an invitation to her address.
		long thirdOwner = TestOrganization.newUserId();
		ApiClient third = ApiClient.as(port, thirdOwner);
		String joined = third.post("/api/organizations", "{\"name\":\"Third\"}")
			.json()
			.path("organization_id")
			.asString();
		String invitation = third
			.post("/api/organizations/" + joined + "/invitations", "{\"email\":\"" + ANNA_EMAIL + "\",\"role\":\"RE\"}")
			.json()
			.path("token")
			.asString();
		assertThat(anna
			.post("/api/invitations/" + invitation + "/accept",
					"{\"user_id\":" + ANNA + ",\"email\":\"" + ANNA_EMAIL + "\"}")
			.status()).isEqualTo(200);
		Map<String, ApiClient> admins = Map.of(MIGRATED, ApiClient.as(port, 1), founded, successorClient, joined,
				third);

		// Before: checkpoints signed and exports taken.
		for (Map.Entry<String, ApiClient> admin : admins.entrySet()) {
			// Once the query side knows the admin as one (the caller's role is read
			// there).
			Instant deadline = Instant.now().plusSeconds(30);
			Answer signed = admin.getValue().post("/api/organizations/" + admin.getKey() + "/audit/checkpoints", null);
			while (signed.status() == 404 && Instant.now().isBefore(deadline)) {
				Thread.sleep(100);
				signed = admin.getValue().post("/api/organizations/" + admin.getKey() + "/audit/checkpoints", null);
			}
			assertThat(signed.status()).as(signed.toString()).isEqualTo(200);
		}
		Path checkpoints = Files.writeString(files.resolve("checkpoints.json"), checkpointsOf(admins.keySet()));
		String exportsBefore = exports(admins.keySet());
		assertThat(exportsBefore).contains(ANNA_EMAIL);
		Map<String, Map<Integer, Long>> endsBefore = endOffsets();

		Answer erased = withScope("membership:erasure").post("/api/users/" + ANNA + "/erasure",
				"{\"reason\":\"GDPR Art. 17\"}");

		assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
		assertThat(erased.json().path("organizations")).extracting(JsonNode::asString)
			.containsExactlyInAnyOrder(MIGRATED, founded, joined);
		awaitErasedOnTheQuerySide(admins);

		// Every table of every schema the service uses.
		assertThat(AddressSearch.tablesHolding(service.getBean(DataSource.class), ANNA_EMAIL)).isEmpty();
		// Every REST answer that showed the address.
		for (Map.Entry<String, ApiClient> admin : admins.entrySet()) {
			String organization = "/api/organizations/" + admin.getKey();
			for (String path : List.of("/memberships", "/memberships/" + ANNA,
					"/memberships/" + ANNA + "?as_of=" + Instant.now(), "/memberships/" + ANNA + "/role-history",
					"/activity-log?limit=100", "/memberships?search=anna")) {
				Answer answer = admin.getValue().get(organization + path);
				assertThat(answer.text()).as(organization + path).doesNotContainIgnoringCase(ANNA_EMAIL);
			}
			JsonNode member = admin.getValue().get(organization + "/memberships/" + ANNA).json();
			assertThat(member.path("email").isNull()).as(member.toString()).isTrue();
			assertThat(member.path("erased").asBoolean()).as(member.toString()).isTrue();
		}
		// Every export, and the verifier's output: both exports verify against the same
		// checkpoints.
		String exportsAfter = exports(admins.keySet());
		assertThat(exportsAfter).doesNotContainIgnoringCase(ANNA_EMAIL).contains("\"erased\":true");
		String before = verify(files, exportsBefore, Files.readString(checkpoints));
		String after = verify(files, exportsAfter, Files.readString(checkpoints));
		assertThat(before).startsWith("exit 0");
		assertThat(after).startsWith("exit 0").doesNotContainIgnoringCase(ANNA_EMAIL);
		// Every Kafka record written after the erasure.
		Thread.sleep(2000);
		int written = 0;
		for (Map.Entry<String, Map<Integer, Long>> topic : endsBefore.entrySet()) {
			for (ConsumerRecord<String, byte[]> record : recordsAfter(topic.getKey(), topic.getValue())) {
				written++;
				assertThat(text(record)).as(topic.getKey()).doesNotContainIgnoringCase(ANNA_EMAIL);
			}
		}
		assertThat(written).as("records written after the erasure: its events and tombstones").isPositive();
		// The rebuild from the topics equals the live views, and shows no address.
		ByteArrayOutputStream rebuildOutput = new ByteArrayOutputStream();
		ProjectionRebuild.Report report = new ProjectionRebuild(service.getBean(DataSource.class),
				service.getBean(KafkaSettings.class).clientConfiguration(service.getBean(KafkaBootstrapServers.class)),
				"query-side", service.getBean(RecordMac.class))
			.verify(new PrintStream(rebuildOutput, true, StandardCharsets.UTF_8));
		assertThat(report.identical()).as(rebuildOutput.toString(StandardCharsets.UTF_8)).isTrue();
		assertThat(rebuildOutput.toString(StandardCharsets.UTF_8)).doesNotContainIgnoringCase(ANNA_EMAIL);
		// The service's log, from its start (which names the migrated organization).
		assertThat(log.getAll()).contains("migrated organization " + MIGRATED).doesNotContainIgnoringCase(ANNA_EMAIL);
	}

	private void awaitErasedOnTheQuerySide(Map<String, ApiClient> admins) throws InterruptedException {
		Instant deadline = Instant.now().plusSeconds(30);
		for (Map.Entry<String, ApiClient> admin : admins.entrySet()) {
			String path = "/api/organizations/" + admin.getKey() + "/memberships/" + ANNA;
			while (!admin.getValue().get(path).text().contains("\"erased\":true") && Instant.now().isBefore(deadline)) {
				Thread.sleep(100);
			}
		}
	}

	private static String checkpointsOf(String organization) {
		return withScope("membership:audit").get("/api/organizations/" + organization + "/audit/checkpoints").text();
	}

	private static String checkpointsOf(Iterable<String> organizations) {
		List<JsonNode> all = new ArrayList<>();
		for (String organization : organizations) {
			JSON.readTree(checkpointsOf(organization)).path("checkpoints").forEach(all::add);
		}
		return JSON.writeValueAsString(all);
	}

	private static String exports(Iterable<String> organizations) {
		StringBuilder all = new StringBuilder();
		for (String organization : organizations) {
			Answer export = withScope("membership:audit").get("/api/organizations/" + organization + "/audit/events");
			assertThat(export.status()).as(export.toString()).isEqualTo(200);
			all.append(export.text());
		}
		return all.toString();
	}

	private static String verify(Path files, String export, String checkpoints) throws Exception {
		Path events = Files.writeString(Files.createTempFile(files, "export", ".ndjson"), export);
		Path signed = Files.writeString(Files.createTempFile(files, "checkpoints", ".json"), checkpoints);
		Path key = Files.writeString(Files.createTempFile(files, "key", ".json"),
				withScope("membership:audit").get("/api/audit/public-key").text());
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
		int status = AuditVerifier.run(new String[] { "--events", events.toString(), "--checkpoints", signed.toString(),
				"--public-key", key.toString() }, print, print);
		return "exit " + status + "\n" + out.toString(StandardCharsets.UTF_8);
	}

	private static final List<String> TOPICS = List.of(MembershipTopics.EVENTS, MembershipTopics.ROLES,
			MembershipTopics.PERSONAL_DATA, MembershipTopics.CHECKPOINTS, MembershipTopics.SECURITY);

	/** Per topic, per partition, the offset the next record gets. */
	private static Map<String, Map<Integer, Long>> endOffsets() {
		Map<String, Map<Integer, Long>> ends = new HashMap<>();
		String servers = service.getBean(KafkaBootstrapServers.class).value();
		for (String topic : TOPICS) {
			Map<Integer, Long> partitions = new HashMap<>();
			try (TopicReader reader = TopicReader.fromBeginning(servers, topic)) {
				for (ConsumerRecord<String, byte[]> record : reader.readToEnd(Duration.ofSeconds(30))) {
					partitions.merge(record.partition(), record.offset() + 1, Math::max);
				}
			}
			ends.put(topic, partitions);
		}
		return ends;
	}

	/** The records of the topic written after {@code ends} were taken. */
	private static List<ConsumerRecord<String, byte[]>> recordsAfter(String topic, Map<Integer, Long> ends) {
		String servers = service.getBean(KafkaBootstrapServers.class).value();
		try (TopicReader reader = TopicReader.fromBeginning(servers, topic)) {
			return reader.readToEnd(Duration.ofSeconds(30))
				.stream()
				.filter((record) -> record.offset() >= ends.getOrDefault(record.partition(), 0L))
				.toList();
		}
	}

	private static String text(ConsumerRecord<String, byte[]> record) {
		StringBuilder text = new StringBuilder(String.valueOf(record.key()));
		if (record.value() != null) {
			text.append(new String(record.value(), StandardCharsets.UTF_8));
		}
		for (Header header : record.headers()) {
			text.append(header.key()).append(new String(header.value(), StandardCharsets.UTF_8));
		}
		return text.toString();
	}

}
