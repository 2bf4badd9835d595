package io.membership.infra.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.RepeatedTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

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
 * A join racing the erasure of the same person: whichever wins, no address is left in the
 * store, and the personal data topic ends with tombstones for the person's keys. Anna is
 * a member of one organization and has a pending invitation in another; she accepts it at
 * the moment the erasure is asked for. Either the join is stored first (then the second
 * organization erases her address with the rest), or the erasure reaches that
 * organization first (then the invitation's address is already erased, and nothing proves
 * the address she joins with: the join is refused), or the join comes after the user key
 * was erased (then no address is recorded for her).
 */
@PostgresServiceTest
class ErasureRaceTest {

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	DataSource dataSource;

	@RepeatedTest(3)
	void a_join_racing_the_erasure_leaves_no_address_behind() throws Exception {
		TestOrganization first = TestOrganization.create(this.port);
		Member anna = first.join("AN");
		TestOrganization second = TestOrganization.create(this.port);
		Answer invited = second.invite(anna.email(), "RE");
		String token = invited.json().path("token").asString();
		String invitation = invited.json().path("invitation_id").asString();
		ApiClient eraser = ApiClient.anonymous(this.port)
			.withToken(ApiClient.token("privacy-service", "membership:erasure", Instant.now().plusSeconds(600),
					ApiClient.TEST_SECRET));

		CountDownLatch start = new CountDownLatch(1);
		CompletableFuture<Answer> join = atStart(start,
				() -> anna.client()
					.post("/api/invitations/" + token + "/accept",
							"{\"user_id\":" + anna.userId() + ",\"email\":\"" + anna.email() + "\"}"));
		CompletableFuture<Answer> erasure = atStart(start,
				() -> eraser.post("/api/users/" + anna.userId() + "/erasure", "{}"));
		start.countDown();
		Answer joined = join.get();
		Answer erased = erasure.get();

		assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
		assertThat(joined.status()).as(joined.toString()).isIn(200, 409);
		assertThat(JdbcClient.create(this.dataSource)
			.sql("SELECT COUNT(*) FROM personal_data WHERE LOWER(email) = LOWER(?)")
			.param(anna.email())
			.query(Long.class)
			.single()).as("addresses left in personal_data").isZero();
		List<String> stored = new ArrayList<>();
		for (String place : AddressSearch.tablesHolding(this.dataSource, anna.email())) {
			if (!place.contains(".qs_")) {
				stored.add(place);
			}
		}
		assertThat(stored).as("the store's tables holding the address").isEmpty();
		for (String key : List.of("user:" + anna.userId(), "invitation:" + invitation)) {
			List<ConsumerRecord<String, byte[]>> records = TopicReader.read(this.broker.bootstrapServers(),
					MembershipTopics.PERSONAL_DATA, key,
					(seen) -> !seen.isEmpty() && seen.get(seen.size() - 1).value() == null, Duration.ofSeconds(30));
			assertThat(records).as(key).isNotEmpty();
			assertThat(records.get(records.size() - 1).value()).as("the latest record of " + key).isNull();
		}
	}

	private static CompletableFuture<Answer> atStart(CountDownLatch start, Supplier<Answer> request) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				start.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			return request.get();
		});
	}

}
