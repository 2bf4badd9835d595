package io.membership.infra.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.audit.verify.AuditVerifier;
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.AddressSearch;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;

/**
 * The store side of an erasure over HTTP: the address kept apart from the events is
 * forgotten in every organization that referred to it, the events, their chain and the
 * signed checkpoints stay as they were (exports before and after verify against the same
 * checkpoints), the personal data topic gets its tombstones after the erasures, and
 * asking again answers the same.
 */
@PostgresServiceTest
class ErasureStoreTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	DataSource dataSource;

	@TempDir
	Path directory;

	private ApiClient eraser() {
		return ApiClient.anonymous(this.port)
			.withToken(ApiClient.token("privacy-service", "membership:erasure", Instant.now().plusSeconds(600),
					ApiClient.TEST_SECRET));
	}

	@Test
	void an_erased_address_is_forgotten_everywhere_it_was_stored_and_the_chain_verifies_before_and_after()
			throws Exception {
		TestOrganization first = TestOrganization.create(this.port);
		Member anna = first.join("AN");
		TestOrganization second = TestOrganization.create(this.port);
		// In bulk, with an Idempotency-Key: its answer, which shows the address, is kept
		// for a retry.
		Answer bulk = second.owner()
			.withHeader("Idempotency-Key", "invite-anna-" + anna.userId())
			.post(second.path() + "/invitations/bulk",
					"{\"invitations\":[{\"email\":\"" + anna.email().toUpperCase() + "\",\"role\":\"RE\"}]}");
		assertThat(bulk.status()).as(bulk.toString()).isBetween(200, 299);
		assertThat(bulk.text()).containsIgnoringCase(anna.email());
		String invitation = bulk.json().path("results").get(0).path("invitation_id").asString();
		assertThat(storeTablesHolding(anna.email())).as("kept apart, before the erasure")
			.containsExactlyInAnyOrder("personal_data", "idempotency_keys");
		Path checkpoints = this.directory.resolve("checkpoints.json");
		Path key = Files.writeString(this.directory.resolve("key.json"),
				first.owner().get("/api/audit/public-key").text());
		assertThat(first.owner().post(first.path() + "/audit/checkpoints", null).status()).isEqualTo(200);
		Files.writeString(checkpoints, first.owner().get(first.path() + "/audit/checkpoints").text());
		String exportBefore = first.owner().get(first.path() + "/audit/events").text();
		assertThat(exportBefore).contains("\"personal_data\":{\"email\":\"" + anna.email() + "\",\"erased\":false}");

		Answer erased = eraser().withHeader("X-Correlation-Id", "erase-anna")
			.post("/api/users/" + anna.userId() + "/erasure", "{\"reason\":\"Art. 17 request 4711\"}");

		assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
		assertThat(erased.json().path("user_id").asLong()).isEqualTo(anna.userId());
		assertThat(erased.json().path("organizations")).extracting(JsonNode::asString)
			.containsExactlyInAnyOrder(first.id(), second.id());
		assertThat(erased.json().path("erased_at").asString()).isNotBlank();
		Answer again = eraser().post("/api/users/" + anna.userId() + "/erasure", "{\"reason\":\"again\"}");
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.json()).isEqualTo(erased.json());

		assertThat(storeTablesHolding(anna.email())).as("the service's own tables, after the erasure").isEmpty();
		String exportAfter = first.owner().get(first.path() + "/audit/events").text();
		assertThat(exportAfter).doesNotContain(anna.email())
			.contains("\"personal_data\":{\"email\":null,\"erased\":true}")
			.contains("PersonalDataErased");
		assertThat(verify(exportBefore, checkpoints, key)).startsWith("exit 0");
		String verified = verify(exportAfter, checkpoints, key);
		assertThat(verified).startsWith("exit 0").doesNotContain(anna.email());
		String secondExport = second.owner().get(second.path() + "/audit/events").text();
		assertThat(secondExport.toLowerCase()).doesNotContain(anna.email());

		// The tombstones, after the address and after the erasures were published.
		String userKey = "user:" + anna.userId();
		List<ConsumerRecord<String, byte[]>> addresses = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.PERSONAL_DATA, userKey,
				(seen) -> !seen.isEmpty() && seen.get(seen.size() - 1).value() == null, Duration.ofSeconds(60));
		assertThat(JSON.readTree(addresses.get(0).value()).path("email").asString()).isEqualTo(anna.email());
		assertThat(TopicReader.header(addresses.get(0), "ce_type")).isEqualTo("membership.PersonalData.v1");
		assertThat(TopicReader.header(addresses.get(0), "membership_mac")).isNotBlank();
		assertThat(addresses.get(addresses.size() - 1).value()).isNull();
		List<ConsumerRecord<String, byte[]>> invitationRecords = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.PERSONAL_DATA, "invitation:" + invitation,
				(seen) -> !seen.isEmpty() && seen.get(seen.size() - 1).value() == null, Duration.ofSeconds(60));
		assertThat(invitationRecords.get(invitationRecords.size() - 1).value()).isNull();
		List<ConsumerRecord<String, byte[]>> events = TopicReader
			.read(this.broker.bootstrapServers(), MembershipTopics.EVENTS, second.id(), (seen) -> seen.stream()
				.anyMatch((record) -> "membership.PersonalDataErased.v1".equals(TopicReader.header(record, "ce_type"))),
					Duration.ofSeconds(60));
		ConsumerRecord<String, byte[]> erasure = events.stream()
			.filter((record) -> "membership.PersonalDataErased.v1".equals(TopicReader.header(record, "ce_type")))
			.findFirst()
			.orElseThrow();
		JsonNode body = JSON.readTree(erasure.value());
		assertThat(body.path("invitation_ids")).extracting(JsonNode::asString).containsExactly(invitation);
		assertThat(body.path("requested_by").asString()).isEqualTo("privacy-service");
		assertThat(body.path("actor_user_id").isNull()).isTrue();
		assertThat(body.path("correlation_id").asString()).isEqualTo("erase-anna");
		assertThat(TopicReader.header(erasure, "ce_actorid")).isNull();
		assertThat(events).allSatisfy((record) -> assertThat(new String(record.value(), StandardCharsets.UTF_8))
			.doesNotContainIgnoringCase(anna.email()));
	}

	@Test
	void bad_requests_are_problems_and_erase_nothing() {
		TestOrganization organization = TestOrganization.create(this.port);
		Member anna = organization.join("AN");

		Answer withoutScope = organization.owner().post("/api/users/" + anna.userId() + "/erasure", "{}");
		assertThat(withoutScope.status()).as(withoutScope.toString()).isEqualTo(403);
		assertThat(withoutScope.code()).isEqualTo("erasure_scope_required");
		Answer unknown = eraser().post("/api/users/" + TestOrganization.newUserId() + "/erasure", "{}");
		assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
		assertThat(unknown.code()).isEqualTo("user_not_found");
		Answer notAUser = eraser().post("/api/users/0/erasure", "{}");
		assertThat(notAUser.status()).as(notAUser.toString()).isEqualTo(400);
		Answer badReason = eraser().post("/api/users/" + anna.userId() + "/erasure", "{\"reason\":\"a\\u0000b\"}");
		assertThat(badReason.status()).as(badReason.toString()).isEqualTo(400);
		Answer unknownMember = eraser().post("/api/users/" + anna.userId() + "/erasure", "{\"why\":\"x\"}");
		assertThat(unknownMember.status()).as(unknownMember.toString()).isEqualTo(400);
		assertThat(unknownMember.header("Content-Type")).startsWith("application/problem+json");
		organization.assertNothingStored();
	}

	/**
	 * The tables of the event store, chain, personal data and publisher: not the views.
	 */
	private List<String> storeTablesHolding(String address) throws Exception {
		return AddressSearch.tablesHolding(this.dataSource, address)
			.stream()
			.map((place) -> place.substring(place.indexOf('.') + 1))
			.map((place) -> place.contains(".") ? place.substring(0, place.indexOf('.')) : place)
			.filter((table) -> !table.startsWith("qs_"))
			.distinct()
			.toList();
	}

	private String verify(String export, Path checkpoints, Path key) throws Exception {
		Path events = Files.writeString(Files.createTempFile(this.directory, "export", ".ndjson"), export);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int status = AuditVerifier.run(
				new String[] { "--events", events.toString(), "--checkpoints", checkpoints.toString(), "--public-key",
						key.toString() },
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
		return "exit " + status + "\n" + out.toString(StandardCharsets.UTF_8);
	}

}
