package io.membership.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.EmbeddedService;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;

/**
 * Kafka's log is lost while the service is stopped (its embedded broker's log deleted);
 * {@code republish} writes the topics anew from the database. The events come back as the
 * same records (id, version, body, trace and MAC) in the same order per organization, the
 * roles topic with every member's latest state, the checkpoints with every signed
 * checkpoint; the service then carries on: its query side reads the new topic without
 * reporting a gap, and new commands reach the views.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RepublishTest {

	@TempDir
	Path dataDirectory;

	private ConfigurableApplicationContext start() {
		return EmbeddedService.start(this.dataDirectory);
	}

	private static int port(ConfigurableApplicationContext application) {
		return EmbeddedService.port(application);
	}

	private static String bootstrap(ConfigurableApplicationContext application) {
		return application.getBean(KafkaBootstrapServers.class).value();
	}

	@Test
	void the_topics_written_anew_from_the_database_carry_the_same_records_and_the_service_carries_on()
			throws Exception {
		long ownerId = TestOrganization.newUserId();
		long memberId = TestOrganization.newUserId();
		String organization;
		Map<String, List<Seen>> eventsBefore;
		Map<String, String> rolesBefore;
		List<String> checkpointsBefore;
		try (ConfigurableApplicationContext first = start()) {
			ApiClient owner = ApiClient.as(port(first), ownerId);
			organization = owner.post("/api/organizations", "{\"name\":\"Republished\"}")
				.json()
				.get("organization_id")
				.asString();
			String path = "/api/organizations/" + organization;
			Answer invited = owner.post(path + "/invitations", "{\"email\":\"kept@republish.test\",\"role\":\"AN\"}");
			assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
			Answer joined = ApiClient.as(port(first), memberId)
				.post("/api/invitations/" + invited.json().get("token").asString() + "/accept",
						"{\"user_id\":" + memberId + ",\"email\":\"kept@republish.test\"}");
			assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
			Answer workspace = owner.post(path + "/workspaces", "{\"title\":\"Images\"}");
			String workspaceId = workspace.json().get("workspace_id").asString();
			assertThat(
					owner.post(path + "/workspaces/" + workspaceId + "/memberships", "{\"user_id\":" + memberId + "}")
						.status())
				.isEqualTo(200);
			Answer changed = owner.post(path + "/memberships/" + memberId + "/role", "{\"role\":\"RE\"}");
			assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
			Answer refused = ApiClient.as(port(first), memberId)
				.post(path + "/invitations", "{\"email\":\"not-allowed@republish.test\",\"role\":\"AN\"}");
			assertThat(refused.status()).as("a security event: " + refused).isEqualTo(403);
			Answer checkpoint = owner.post(path + "/audit/checkpoints", "{}");
			assertThat(checkpoint.status()).as(checkpoint.toString()).isBetween(200, 201);
			Answer members = owner.get(path + "/memberships?min_version=6");
			assertThat(members.status()).as(members.toString()).isEqualTo(200);

			eventsBefore = byKey(read(bootstrap(first), MembershipTopics.EVENTS, 6));
			rolesBefore = latestByKey(read(bootstrap(first), MembershipTopics.ROLES, 1));
			checkpointsBefore = values(read(bootstrap(first), MembershipTopics.CHECKPOINTS, 1));
		}
		assertThat(eventsBefore.get(organization)).hasSize(6);

		deleteRecursively(this.dataDirectory.resolve("kafka"));

		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = RepublishCommand.run(
				new String[] { "--membership.data-dir=" + this.dataDirectory, "--membership.kafka.embedded.port=0" },
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		String printed = out.toString(StandardCharsets.UTF_8);
		assertThat(status).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
		assertThat(printed).contains("republished 6 events of 1 organizations to membership.events.v1")
			.contains("2 member states to membership.roles.v1, 1 checkpoints to membership.audit-checkpoints.v1")
			.contains("1 security events to membership.security.v1")
			.containsPattern("the query side forgot [1-9][0-9]* stored positions");

		// A query side that was not told (its database was not the one republish ran on)
		// holds positions past the end of the new topic: it must read it from the start.
		try (Connection database = DriverManager
			.getConnection("jdbc:h2:file:" + this.dataDirectory.resolve("membership"), "sa", "");
				PreparedStatement positions = database.prepareStatement("INSERT INTO qs_consumer_positions "
						+ "(consumer_name, topic, partition_id, next_offset) VALUES ('query-side', ?, ?, 1000)")) {
			for (int partition = 0; partition < 6; partition++) {
				positions.setString(1, MembershipTopics.EVENTS);
				positions.setInt(2, partition);
				positions.addBatch();
			}
			positions.executeBatch();
		}

		try (ConfigurableApplicationContext second = start()) {
			Map<String, List<Seen>> eventsAfter = byKey(read(bootstrap(second), MembershipTopics.EVENTS, 6));
			assertThat(eventsAfter).as("every event as it was, in the same order per organization")
				.isEqualTo(eventsBefore);
			assertThat(latestByKey(read(bootstrap(second), MembershipTopics.ROLES, 2)))
				.as("every member's latest state")
				.isEqualTo(rolesBefore);
			assertThat(values(read(bootstrap(second), MembershipTopics.CHECKPOINTS, 1))).isEqualTo(checkpointsBefore);
			assertThat(values(read(bootstrap(second), MembershipTopics.SECURITY, 1))).singleElement()
				.asString()
				.contains("\"kind\":\"forbidden\"")
				.contains("\"count\":1");

			ApiClient owner = ApiClient.as(port(second), ownerId);
			String path = "/api/organizations/" + organization;
			Answer changed = owner.post(path + "/memberships/" + memberId + "/role", "{\"role\":\"MA\"}");
			assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
			Answer member = owner.get(path + "/memberships/" + memberId + "?min_version=7");
			assertThat(member.status()).as("the query side follows the new topic: " + member).isEqualTo(200);
			assertThat(member.json().get("role").asString()).isEqualTo("MA");
			assertThat(second.getBean(MeterRegistry.class).get("membership.query.projection.gaps").gauge().value())
				.as("reading the new topic from its start reported no gap")
				.isZero();
			assertThat(read(bootstrap(second), MembershipTopics.EVENTS, 7)).hasSize(7);
		}

		ByteArrayOutputStream again = new ByteArrayOutputStream();
		int second = RepublishCommand.run(
				new String[] { "--membership.data-dir=" + this.dataDirectory, "--membership.kafka.embedded.port=0" },
				new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
				new PrintStream(again, true, StandardCharsets.UTF_8));
		assertThat(second).as("a topic that holds records is not written twice").isEqualTo(2);
		assertThat(again.toString(StandardCharsets.UTF_8)).contains("membership.events.v1 already holds 7 records");
	}

	/** What a subscriber sees of a record: key, headers (MAC included) and body. */
	private record Seen(String key, Map<String, String> headers, String value) {
	}

	private static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic, int atLeast) {
		try (TopicReader reader = TopicReader.fromBeginning(bootstrap, topic)) {
			reader.readUntil((records) -> records.size() >= atLeast, Duration.ofSeconds(60));
			return reader.readToEnd(Duration.ofSeconds(60));
		}
	}

	private static Map<String, List<Seen>> byKey(List<ConsumerRecord<String, byte[]>> records) {
		Map<String, List<Seen>> byKey = new LinkedHashMap<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			byKey.computeIfAbsent(record.key(), (key) -> new ArrayList<>())
				.add(new Seen(record.key(), TopicReader.headers(record),
						new String(record.value(), StandardCharsets.UTF_8)));
		}
		return byKey;
	}

	private static Map<String, String> latestByKey(List<ConsumerRecord<String, byte[]>> records) {
		Map<String, String> latest = new LinkedHashMap<>();
		records.forEach((record) -> latest.put(record.key(), new String(record.value(), StandardCharsets.UTF_8)));
		return latest;
	}

	private static List<String> values(List<ConsumerRecord<String, byte[]>> records) {
		return records.stream().map((record) -> new String(record.value(), StandardCharsets.UTF_8)).toList();
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}
