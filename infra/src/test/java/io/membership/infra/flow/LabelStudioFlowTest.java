package io.membership.infra.flow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;

/**
 * The whole Label Studio flow over HTTP against PostgreSQL, as an upstream app drives it:
 * every step answers with the version it produced, one higher than the step before.
 */
@PostgresServiceTest
class LabelStudioFlowTest {

	@LocalServerPort
	int port;

	@Test
	void an_organization_goes_through_its_whole_life() {
		ApiClient owner = ApiClient.as(this.port, 1);
		ApiClient admin = ApiClient.as(this.port, 2);
		// Joins by the link, which proves no address: their token vouches for it.
		ApiClient manager = ApiClient.as(this.port, 3, "manager@acme.test");

		Answer created = owner.post("/api/organizations", "{\"name\":\"Acme Labeling\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.header("ETag")).isEqualTo("\"1\"");
		String org = "/api/organizations/" + created.json().get("organization_id").asString();

		Answer invitedAdmin = owner.post(org + "/invitations", "{\"email\":\"admin@acme.test\",\"role\":\"AD\"}");
		assertThat(invitedAdmin.status()).as(invitedAdmin.toString()).isEqualTo(201);
		assertThat(invitedAdmin.json().get("version").asLong()).isEqualTo(2);
		String adminToken = invitedAdmin.json().get("token").asString();
		assertThat(invitedAdmin.json().get("invite_url").asString()).contains(adminToken);

		Answer adminJoined = admin.post("/api/invitations/" + adminToken + "/accept",
				"{\"user_id\":2,\"email\":\"admin@acme.test\"}");
		assertThat(adminJoined.status()).as(adminJoined.toString()).isEqualTo(200);
		assertThat(adminJoined.json().get("role").asString()).isEqualTo("AD");
		assertThat(adminJoined.json().get("version").asLong()).isEqualTo(3);

		Answer link = admin.get(org + "/invite-link");
		assertThat(link.status()).as(link.toString()).isEqualTo(200);
		Answer managerJoined = manager.post("/api/invitations/" + link.json().get("token").asString() + "/accept",
				"{\"user_id\":3,\"email\":\"manager@acme.test\"}");
		assertThat(managerJoined.json().get("role").asString()).as(managerJoined.toString()).isEqualTo("NO");
		assertThat(managerJoined.json().get("version").asLong()).isEqualTo(4);

		Answer activated = admin.post(org + "/memberships/3/activate", "{\"role\":\"AN\",\"reason\":\"trained\"}");
		assertThat(activated.json().get("version").asLong()).as(activated.toString()).isEqualTo(5);

		Answer promoted = admin.patch(org + "/memberships", "{\"user_id\":3,\"role\":\"MA\"}");
		assertThat(promoted.json().get("version").asLong()).as(promoted.toString()).isEqualTo(6);

		Answer workspace = manager.post(org + "/workspaces", "{\"title\":\"Medical images\"}");
		assertThat(workspace.status()).as(workspace.toString()).isEqualTo(201);
		assertThat(workspace.json().get("version").asLong()).as("created and self-assigned").isEqualTo(8);
		String ws = workspace.json().get("workspace_id").asString();

		Answer assignedAdmin = manager.post(org + "/workspaces/" + ws + "/memberships", "{\"user_id\":2}");
		assertThat(assignedAdmin.json().get("version").asLong()).as(assignedAdmin.toString()).isEqualTo(9);

		Answer deactivated = owner.post(org + "/memberships/3/deactivate", "{\"reason\":\"on leave\"}");
		assertThat(deactivated.json().get("version").asLong()).as(deactivated.toString()).isEqualTo(10);
		Answer deactivatedManagerActs = manager.post(org + "/workspaces/" + ws + "/memberships", "{\"user_id\":2}");
		assertThat(deactivatedManagerActs.status()).isEqualTo(403);
		assertThat(deactivatedManagerActs.code()).isEqualTo("actor_not_active");

		Answer reactivated = owner.post(org + "/memberships/3/activate", "{\"role\":\"MA\"}");
		assertThat(reactivated.json().get("version").asLong()).as(reactivated.toString()).isEqualTo(11);
		Answer removedAgain = manager.delete(org + "/workspaces/" + ws + "/memberships/2");
		assertThat(removedAgain.status()).as("a reactivated manager manages their workspace again: " + removedAgain)
			.isEqualTo(200);

		Answer transferred = owner.post(org + "/ownership", "{\"user_id\":2}");
		assertThat(transferred.status()).as(transferred.toString()).isEqualTo(200);
		assertThat(transferred.json().get("version").asLong()).isEqualTo(13);
		Answer formerOwnerTriesAgain = owner.post(org + "/ownership", "{\"user_id\":1}");
		assertThat(formerOwnerTriesAgain.status()).isEqualTo(403);
		Answer newOwnerDemotesFormer = admin.post(org + "/memberships/1/role", "{\"role\":\"RE\"}");
		assertThat(newOwnerDemotesFormer.status()).as(newOwnerDemotesFormer.toString()).isEqualTo(200);
		assertThat(newOwnerDemotesFormer.header("ETag")).isEqualTo("\"14\"");
	}

}
