package io.membership.infra.axon;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.axonframework.common.caching.Cache;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * Snapshots stored before the Organization's members became a value of their own hold a
 * member map and an e-mail index that lacks the Owner. Read as they are, they would
 * either fail to load or let the Owner's address in again; the aggregate's revision makes
 * Axon pass over them, so such an organization is rebuilt from its events.
 */
@PostgresServiceTest
class OlderSnapshotTest {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	@Qualifier("organizationCache")
	Cache organizations;

	@Test
	void an_organization_whose_snapshot_predates_the_members_value_is_rebuilt_from_its_events() {
		long ownerId = TestOrganization.newUserId();
		ApiClient owner = ApiClient.as(this.port, ownerId, "boss@older.test");
		Answer created = owner.post("/api/organizations", "{\"name\":\"Older\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String organization = created.json().get("organization_id").asString();
		String path = "/api/organizations/" + organization;
		Answer invited = owner.post(path + "/invitations", "{\"email\":\"first@older.test\",\"role\":\"AN\"}");
		assertThat(invited.json().get("version").asLong()).as(invited.toString()).isEqualTo(2);
		storeUnversionedSnapshot(organization, 1, """
				{"invitations":{},"inviteLinkId":"lnk_older","memberIdsByEmail":{},
				 "members":{"%d":{"userId":%d,"email":"boss@older.test","role":"OW","workspaces":[]}},
				 "organizationId":"%s","ownerUserId":%d,"workspaces":[]}
				""".formatted(ownerId, ownerId, organization, ownerId));
		this.organizations.remove(organization);

		assertProblem(owner.post(path + "/invitations", "{\"email\":\"BOSS@older.test\"}"), 409, "already_member");
		Answer next = owner.post(path + "/invitations", "{\"email\":\"second@older.test\"}");
		assertThat(next.status()).as(next.toString()).isEqualTo(201);
		assertThat(next.json().get("version").asLong()).as("rebuilt from all its events").isEqualTo(3);
	}

	/**
	 * As Axon's JDBC engine stored the Organization's snapshots before it had a revision.
	 */
	private void storeUnversionedSnapshot(String organization, long sequenceNumber, String json) {
		this.jdbc
			.sql("INSERT INTO snapshotevententry (aggregateidentifier, sequencenumber, type, eventidentifier,"
					+ " metadata, payload, payloadrevision, payloadtype, timestamp)"
					+ " VALUES (?, ?, 'Organization', ?, ?, ?, NULL, ?, ?)")
			.params(organization, sequenceNumber, UUID.randomUUID().toString(), "{}".getBytes(StandardCharsets.UTF_8),
					json.getBytes(StandardCharsets.UTF_8), "io.membership.command.organization.Organization",
					Instant.now().toString())
			.update();
	}

}
