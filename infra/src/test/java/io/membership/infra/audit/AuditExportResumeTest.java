package io.membership.infra.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import io.membership.events.json.MembershipJson;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestDatabase;
import io.membership.infra.support.TestOrganization;

/**
 * An auditor that follows the system-wide export by resuming after the last
 * {@code position} it received gets every event, also one whose transaction took its
 * position in the store before another's but committed after it.
 */
@PostgresServiceTest
class AuditExportResumeTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate database;

	@Test
	void resuming_after_the_last_position_misses_no_event_that_committed_late() throws Exception {
		ApiClient auditor = AuditTrail.auditService(this.port);
		long position = this.database.queryForObject("SELECT COALESCE(MAX(globalindex), 0) FROM domainevententry",
				Long.class);
		String lateOrganization = "org_late_" + UUID.randomUUID().toString().replace("-", "");
		List<JsonNode> received = new ArrayList<>();
		TestOrganization early;
		TestDatabase testDatabase = TestDatabase.get();
		try (Connection slow = testDatabase.connect()) {
			slow.setAutoCommit(false);
			// A writer takes its place in the store first and is slow to commit (a
			// payload
			// type no handler knows, so nothing else of the service reacts to it) ...
			try (PreparedStatement insert = slow.prepareStatement("INSERT INTO domainevententry (aggregateidentifier, "
					+ "sequencenumber, type, eventidentifier, metadata, payload, payloadrevision, payloadtype, "
					+ "timestamp) VALUES (?, 0, 'Organization', ?, ?, ?, '1', 'io.membership.synthetic.Late', ?)")) {
				insert.setString(1, lateOrganization);
				insert.setString(2, UUID.randomUUID().toString());
				insert.setBytes(3, "{}".getBytes(StandardCharsets.UTF_8));
				insert.setBytes(4,
						("{\"organization_id\":\"" + lateOrganization + "\",\"occurred_at\":\"" + Instant.now() + "\"}")
							.getBytes(StandardCharsets.UTF_8));
				insert.setString(5, Instant.now().toString());
				insert.executeUpdate();
			}
			// ... while another stores an event after it and commits at once ...
			early = TestOrganization.create(this.port);
			// ... and the auditor reads in between.
			position = follow(auditor, position, received);
			slow.commit();
		}
		long deadline = System.currentTimeMillis() + 30_000;
		while (System.currentTimeMillis() < deadline
				&& !(contains(received, early.id()) && contains(received, lateOrganization))) {
			AuditTrail.sleep(250);
			position = follow(auditor, position, received);
		}

		assertThat(contains(received, early.id())).as("the event that committed first").isTrue();
		assertThat(contains(received, lateOrganization)).as("the event that committed late").isTrue();
		assertThat(received.stream().map((line) -> line.path("position").asLong())).isSorted().doesNotHaveDuplicates();
	}

	private static long follow(ApiClient auditor, long after, List<JsonNode> received) {
		Answer answer = auditor.get("/api/audit/events?after=" + after);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		long position = after;
		for (String line : answer.text().lines().toList()) {
			JsonNode event = MembershipJson.mapper().readTree(line);
			received.add(event);
			position = event.path("position").asLong();
		}
		return position;
	}

	private static boolean contains(List<JsonNode> received, String organization) {
		return received.stream().anyMatch((line) -> organization.equals(line.path("organization_id").asString()));
	}

}
