package io.membership.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.serialization.Revision;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.events.MembershipEvent;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestDatabase;
import io.membership.infra.support.TestRecordKey;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * What a subscriber of {@code membership.events.v1} and {@code membership.roles.v1} sees
 * after an upstream app drove an organization through the API, including while the broker
 * was down.
 */
@PostgresServiceTest
class KafkaPublishingTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * The JSON Schemas the events jar publishes for subscribers
	 * (events/src/main/resources/schemas).
	 */
	private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	private String createOrganization(ApiClient owner) {
		return owner.post("/api/organizations", "{\"name\":\"Published\"}").json().get("organization_id").asString();
	}

	/** Five commands after creation: versions 2..6. */
	private void driveFlow(ApiClient owner, String org) {
		String path = "/api/organizations/" + org;
		String token = owner.post(path + "/invitations", "{\"email\":\"rev@acme.test\",\"role\":\"RE\"}")
			.json()
			.get("token")
			.asString();
		ApiClient.as(this.port, 42)
			.post("/api/invitations/" + token + "/accept", "{\"user_id\":42,\"email\":\"rev@acme.test\"}");
		String ws = owner.post(path + "/workspaces", "{\"title\":\"Audio\"}").json().get("workspace_id").asString();
		owner.post(path + "/workspaces/" + ws + "/memberships", "{\"user_id\":42}");
		owner.post(path + "/memberships/42/role", "{\"role\":\"MA\",\"reason\":\"lead\"}");
	}

	private List<ConsumerRecord<String, byte[]>> eventsOf(String org, long lastVersion) {
		return TopicReader.read(this.broker.bootstrapServers(), MembershipTopics.EVENTS, org,
				(records) -> records.stream().anyMatch((record) -> TopicReader.orgVersion(record) == lastVersion),
				WAIT);
	}

	@Test
	void every_event_arrives_in_order_with_contiguous_versions_and_cloudevents_headers() throws Exception {
		ApiClient owner = ApiClient.as(this.port, 1);
		String org = createOrganization(owner);
		driveFlow(owner, org);

		List<ConsumerRecord<String, byte[]>> records = eventsOf(org, 6);

		assertThat(records).extracting(TopicReader::orgVersion).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		List<StoredEvent> stored = storedEvents(org);
		for (int i = 0; i < records.size(); i++) {
			ConsumerRecord<String, byte[]> record = records.get(i);
			StoredEvent event = stored.get(i);
			Map<String, String> headers = TopicReader.headers(record);
			assertThat(headers).containsEntry("ce_specversion", "1.0")
				.containsEntry("ce_id", event.eventId())
				.containsEntry("ce_source", "/organizations/" + org)
				.containsEntry("ce_type", "membership." + event.type() + ".v" + revisionOf(event.type()))
				.containsEntry("content-type", "application/json")
				.containsKeys("ce_time", "ce_actorid", "ce_correlationid")
				.containsKey(RecordMac.HEADER);
			assertThat(TestRecordKey.mac().verify(record)).as("the MAC verifies under the service's key")
				.isEqualTo(RecordMac.Verdict.VALID);
			assertThat(JSON.readTree(record.value())).as("the body is the stored event")
				.isEqualTo(JSON.readTree(event.payload()));
			assertThat(SCHEMAS
				.getSchema(SchemaLocation
					.of("classpath:schemas/" + event.type() + ".v" + revisionOf(event.type()) + ".schema.json"))
				.validate(JSON.readTree(record.value()))).as("the body validates against its published schema")
				.isEmpty();
		}
		assertThat(TopicReader.header(records.get(2), "ce_subject")).as("MemberJoined names its member")
			.isEqualTo("42");
		assertThat(TopicReader.header(records.get(2), "ce_actorid")).isEqualTo("42");
	}

	@Test
	void the_roles_topic_holds_each_members_latest_state() {
		ApiClient owner = ApiClient.as(this.port, 1);
		String org = createOrganization(owner);
		driveFlow(owner, org);

		List<ConsumerRecord<String, byte[]>> reviewer = TopicReader
			.read(this.broker.bootstrapServers(), MembershipTopics.ROLES, org + ":42",
					(records) -> !records.isEmpty()
							&& JSON.readTree(records.get(records.size() - 1).value()).get("version").asLong() == 6,
					WAIT);

		assertThat(reviewer).allSatisfy((record) -> assertThat(TestRecordKey.mac().verify(record))
			.as("every record the publisher writes carries a valid MAC")
			.isEqualTo(RecordMac.Verdict.VALID));
		JsonNode latest = JSON.readTree(reviewer.get(reviewer.size() - 1).value());
		assertThat(latest.get("role").asString()).isEqualTo("MA");
		assertThat(latest.get("workspaces")).hasSize(1);
		assertThat(latest.get("user_id").asLong()).isEqualTo(42);
	}

	@Test
	void while_the_broker_is_down_commands_are_accepted_and_nothing_is_lost_or_reordered_once_it_returns() {
		ApiClient owner = ApiClient.as(this.port, 1);
		String org = createOrganization(owner);
		driveFlow(owner, org);
		assertThat(eventsOf(org, 6)).hasSize(6);

		this.broker.close();
		List<Integer> statusesWhileDown = new ArrayList<>();
		try {
			String path = "/api/organizations/" + org;
			for (int i = 0; i < 5; i++) {
				statusesWhileDown.add(owner.post(path + "/memberships/42/role", "{\"role\":\"AN\"}").status());
				statusesWhileDown.add(owner.post(path + "/memberships/42/role", "{\"role\":\"RE\"}").status());
			}
		}
		finally {
			this.broker.start();
		}

		assertThat(statusesWhileDown).containsOnly(200).hasSize(10);
		List<ConsumerRecord<String, byte[]>> records = eventsOf(org, 16);
		assertThat(firstOccurrences(records)).as("every version once, in order")
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 16).boxed().toList());
		long highest = 0;
		for (ConsumerRecord<String, byte[]> record : records) {
			long version = TopicReader.orgVersion(record);
			assertThat(version).as("no gap at any point of the topic").isLessThanOrEqualTo(highest + 1);
			highest = Math.max(highest, version);
		}
	}

	private static List<Long> firstOccurrences(List<ConsumerRecord<String, byte[]>> records) {
		Map<Long, Boolean> seen = new LinkedHashMap<>();
		records.forEach((record) -> seen.putIfAbsent(TopicReader.orgVersion(record), true));
		return new ArrayList<>(seen.keySet());
	}

	private static List<StoredEvent> storedEvents(String org) throws Exception {
		List<StoredEvent> events = new ArrayList<>();
		try (Connection connection = TestDatabase.get().connect();
				PreparedStatement query = connection.prepareStatement("SELECT eventidentifier, payloadtype, payload "
						+ "FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber")) {
			query.setString(1, org);
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					String type = rows.getString(2);
					events.add(new StoredEvent(rows.getString(1), type.substring(type.lastIndexOf('.') + 1),
							rows.getBytes(3)));
				}
			}
		}
		return events;
	}

	/**
	 * The published version of a type: its {@code @Revision} (issue 17 moved four to 2).
	 */
	private static String revisionOf(String type) {
		return MembershipEvent.typeNamed(type).orElseThrow().getAnnotation(Revision.class).value();
	}

	record StoredEvent(String eventId, String type, byte[] payload) {
	}

}
