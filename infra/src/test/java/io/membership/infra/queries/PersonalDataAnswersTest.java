package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.ForgedRecords;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import io.membership.infra.support.TestRecordKey;
import io.membership.topics.MembershipTopics;

/**
 * The running service answers a person's address from {@code membership.personal-data.v1}
 * only, over REST: never from the events (whether or not the publisher still writes one
 * into them), the address once the topic has it, and after PersonalDataErased
 * {@code "email": null, "erased": true} in the member query, the member list and the
 * activity log. The personal-data records and the erasure are written by hand, signed
 * with the service's key, as the publisher of the erasure-store side will write them.
 */
@PostgresServiceTest
class PersonalDataAnswersTest {

	@LocalServerPort
	int port;

	@Autowired
	KafkaBootstrapServers bootstrapServers;

	@Test
	void an_address_is_answered_from_the_personal_data_topic_and_after_the_erasure_never_again() throws Exception {
		createThePersonalDataTopic();
		TestOrganization org = TestOrganization.create(this.port);
		Member ann = org.join("AN");
		String member = org.path() + "/memberships/" + ann.userId();

		// Since the store side publishes it (acknowledged before the join), the address
		// is
		// on the personal-data topic before the event that refers to it.
		JsonNode before = awaitEmail(org, member, ann.email());
		assertThat(before.get("erased").asBoolean()).isFalse();

		ForgedRecords.write(this.bootstrapServers.value(), address("user:" + ann.userId(), ann.email()));
		JsonNode known = awaitEmail(org, member, ann.email());
		assertThat(known.get("erased").asBoolean()).isFalse();

		// The erasure as the store side decides it: the organization's PersonalDataErased
		// names the invitation sent to the address too.
		long erasure = org.version() + 1;
		Answer erased = ApiClient.anonymous(this.port)
			.withToken(ApiClient.token("privacy-desk", "membership:erasure", Instant.now().plusSeconds(600),
					ApiClient.TEST_SECRET))
			.post("/api/users/" + ann.userId() + "/erasure", "{}");
		assertThat(erased.status()).as(erased.toString()).isEqualTo(200);

		Answer after = org.owner().get(member + "?min_version=" + erasure);
		assertThat(after.status()).as(after.toString()).isEqualTo(200);
		assertThat(after.json().get("email").isNull()).as(after.toString()).isTrue();
		assertThat(after.json().get("erased").asBoolean()).isTrue();
		assertThat(after.json().get("role").asString()).as("the role stays").isEqualTo("AN");
		JsonNode history = org.owner().get(member + "/role-history?min_version=" + erasure).json();
		assertThat(history.get("email").isNull()).as(history.toString()).isTrue();
		assertThat(history.get("erased").asBoolean()).isTrue();
		Answer list = org.owner().get(org.path() + "/memberships?min_version=" + erasure);
		assertThat(list.text()).doesNotContain(ann.email());
		JsonNode log = org.owner().get(org.path() + "/activity-log?min_version=" + erasure).json().get("entries");
		assertThat(log.get(0).get("type").asString()).isEqualTo("PersonalDataErased");
		assertThat(log.get(0).get("actor_user_id").isNull()).isTrue();
		assertThat(log.toString()).doesNotContain(ann.email());
		JsonNode joined = log.valueStream()
			.filter((entry) -> entry.get("type").asString().equals("MemberJoined"))
			.findFirst()
			.orElseThrow();
		assertThat(joined.get("email").isNull()).as(joined.toString()).isTrue();
		assertThat(joined.get("erased").asBoolean()).isTrue();
	}

	private JsonNode awaitEmail(TestOrganization org, String member, String email) throws InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
		JsonNode answer = org.owner().get(member).json();
		while (!email.equals(answer.path("email").asString("")) && Instant.now().isBefore(deadline)) {
			Thread.sleep(200);
			answer = org.owner().get(member).json();
		}
		assertThat(answer.path("email").asString("")).as("the address from the topic: %s", answer).isEqualTo(email);
		return answer;
	}

	/** As the service's topic administration will create it: compacted. */
	private void createThePersonalDataTopic() throws InterruptedException {
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers.value()))) {
			admin.createTopics(List.of(new NewTopic(MembershipTopics.PERSONAL_DATA, 1, (short) 1)
				.configs(Map.of("cleanup.policy", "compact")))).all().get();
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw new IllegalStateException(ex.getCause());
			}
		}
	}

	/**
	 * A record of the personal-data topic as the lead's interface describes it, signed.
	 */
	private static ProducerRecord<String, byte[]> address(String key, String email) {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(MembershipTopics.PERSONAL_DATA, key,
				("{\"email\":\"" + email + "\",\"user_id\":\"" + key.substring("user:".length()) + "\"}")
					.getBytes(StandardCharsets.UTF_8));
		record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
		record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
		record.headers().add("ce_source", "/personal-data".getBytes(StandardCharsets.UTF_8));
		record.headers().add("ce_type", "membership.PersonalData.v1".getBytes(StandardCharsets.UTF_8));
		record.headers()
			.add("ce_time", DateTimeFormatter.ISO_INSTANT.format(Instant.now()).getBytes(StandardCharsets.UTF_8));
		return TestRecordKey.sign(record);
	}

}
