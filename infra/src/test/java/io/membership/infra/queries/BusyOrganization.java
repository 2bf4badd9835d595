package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;

/**
 * An organization driven through every kind of command over HTTP, so that every event
 * type and every projection table gets rows: invitations with and without a role and with
 * workspaces, a revoked invitation, the invite link and its reset, activation by Label
 * Studio's PATCH, role changes with reasons, workspace assignments and removals, a
 * Manager's own workspace (two events), deactivation and reactivation, and an ownership
 * transfer after which the new Owner demotes the old one.
 *
 * @param id the organization's id
 * @param version the version its last command answered
 * @param owner a client acting as its Owner at the end
 */
record BusyOrganization(String id, long version, ApiClient owner) {

	static BusyOrganization drive(int port) {
		TestOrganization organization = TestOrganization.create(port);
		ApiClient owner = organization.owner();
		String path = organization.path();
		String audio = organization.createWorkspace("Audio");
		String images = organization.createWorkspace("Images");
		TestOrganization.Member admin = organization.join("AD");
		TestOrganization.Member manager = organization.join("MA");
		TestOrganization.Member reviewer = organization.join("RE");

		long annotator = TestOrganization.newUserId();
		String annotatorEmail = "annotator" + annotator + "@members.test";
		String annotatorToken = organization
			.recorded(owner.post(path + "/invitations",
					"{\"email\":\"" + annotatorEmail + "\",\"role\":\"AN\",\"workspaces\":[\"" + audio + "\"]}"))
			.json()
			.get("token")
			.asString();
		organization.recorded(ApiClient.as(port, annotator)
			.post("/api/invitations/" + annotatorToken + "/accept",
					"{\"user_id\":" + annotator + ",\"email\":\"" + annotatorEmail + "\"}"));

		String revoked = organization.invite("never" + annotator + "@members.test", "RE")
			.json()
			.get("invitation_id")
			.asString();
		organization.recorded(admin.client().delete(path + "/invitations/" + revoked));

		long linked = TestOrganization.newUserId();
		String linkToken = ok(admin.client().get(path + "/invite-link")).json().get("token").asString();
		String linkedEmail = "linked" + linked + "@members.test";
		organization.recorded(ApiClient.as(port, linked, linkedEmail)
			.post("/api/invitations/" + linkToken + "/accept",
					"{\"user_id\":" + linked + ",\"email\":\"" + linkedEmail + "\"}"));
		organization.recorded(admin.client().post(path + "/invite-link/reset", null));
		organization
			.recorded(admin.client().patch(path + "/memberships", "{\"user_id\":" + linked + ",\"role\":\"AN\"}"));

		for (long member : new long[] { manager.userId(), reviewer.userId(), linked }) {
			organization
				.recorded(owner.post(path + "/workspaces/" + audio + "/memberships", "{\"user_id\":" + member + "}"));
		}
		organization.recorded(admin.client()
			.post(path + "/workspaces/" + images + "/memberships", "{\"user_id\":" + reviewer.userId() + "}"));
		organization.recorded(manager.client().delete(path + "/workspaces/" + audio + "/memberships/" + linked));
		organization.recorded(owner.post(path + "/memberships/" + linked + "/role",
				"{\"role\":\"RE\",\"reason\":\"passed the review training\"}"));
		organization.recorded(
				owner.post(path + "/memberships/" + reviewer.userId() + "/deactivate", "{\"reason\":\"on leave\"}"));
		organization.recorded(admin.client()
			.post(path + "/memberships/" + reviewer.userId() + "/activate", "{\"role\":\"MA\",\"reason\":\"back\"}"));
		organization
			.recorded(admin.client().patch(path + "/memberships", "{\"user_id\":" + annotator + ",\"role\":\"DI\"}"));

		Answer managersWorkspace = ok(manager.client().post(path + "/workspaces", "{\"title\":\"Manager's own\"}"));
		assertThat(managersWorkspace.json().get("version").asLong()).as("created and self-assigned: two events")
			.isEqualTo(organization.version() + 2);
		long version = managersWorkspace.json().get("version").asLong();

		Answer transferred = ok(owner.post(path + "/ownership", "{\"user_id\":" + admin.userId() + "}"));
		assertThat(transferred.json().get("version").asLong()).isEqualTo(version + 1);
		Answer demoted = ok(admin.client()
			.post(path + "/memberships/" + organization.ownerId() + "/role",
					"{\"role\":\"MA\",\"reason\":\"handover\"}"));
		assertThat(demoted.json().get("version").asLong()).isEqualTo(version + 2);
		return new BusyOrganization(organization.id(), version + 2, admin.client());
	}

	private static Answer ok(Answer answer) {
		assertThat(answer.status()).as(answer.toString()).isBetween(200, 299);
		return answer;
	}

	String path() {
		return "/api/organizations/" + this.id;
	}

	/**
	 * Waits (through {@code min_version}) until the query side has applied every event.
	 */
	void awaitQuerySide() {
		Answer caughtUp = this.owner.get(path() + "/permissions/matrix?min_version=" + this.version);
		assertThat(caughtUp.status()).as(caughtUp.toString()).isEqualTo(200);
	}

}
