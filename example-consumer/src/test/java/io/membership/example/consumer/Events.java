package io.membership.example.consumer;

import java.time.Instant;
import java.util.Set;

import io.membership.events.InvitationRevoked;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/** A small organization's history, event by event, as the service would record it. */
final class Events {

	static final Instant AT = Instant.parse("2026-11-23T10:15:30Z");

	static final UserId OWNER = UserId.of(1);

	static final UserId ANNA = UserId.of(42);

	private Events() {
	}

	static MembershipEvent created(String org) {
		return new OrganizationCreated(new OrganizationId(org), "Acme Labeling", OWNER, "owner@acme.test",
				new InviteLinkId("lnk_1"), OWNER, AT, "corr-1");
	}

	static MembershipEvent joined(String org, Role role) {
		return new MemberJoined(new OrganizationId(org), ANNA, "anna@acme.test", role, new InvitationId("inv_1"),
				Set.of(), ANNA, AT, "corr-2");
	}

	static MembershipEvent activated(String org, Role from, Role to) {
		return new MemberActivated(new OrganizationId(org), ANNA, from, to, null, OWNER, AT, "corr-3");
	}

	static MembershipEvent roleChanged(String org, Role from, Role to) {
		return new MemberRoleChanged(new OrganizationId(org), ANNA, from, to, "passed the review training", OWNER, AT,
				"corr-4");
	}

	static MembershipEvent deactivated(String org, Role from) {
		return new MemberDeactivated(new OrganizationId(org), ANNA, from, null, OWNER, AT, "corr-5");
	}

	static MembershipEvent removed(String org, Role from) {
		return new MemberRemoved(new OrganizationId(org), ANNA, from, OWNER, AT, "corr-7");
	}

	static MembershipEvent ownershipTransferred(String org, Role newOwnerRole) {
		return new OwnershipTransferred(new OrganizationId(org), OWNER, ANNA, newOwnerRole, OWNER, AT, "corr-6");
	}

	static MembershipEvent workspaceCreated(String org) {
		return new WorkspaceCreated(new OrganizationId(org), new WorkspaceId("ws_1"), "Medical images", OWNER, AT,
				"corr-7");
	}

	static MembershipEvent addedToProject(String org, Role projectRole) {
		return new MemberAddedToProject(new OrganizationId(org), new ProjectId("17"), ANNA, projectRole, null, OWNER,
				AT, "corr-9");
	}

	static MembershipEvent invitationRevoked(String org) {
		return new InvitationRevoked(new OrganizationId(org), new InvitationId("inv_2"), "bob@acme.test", OWNER, AT,
				"corr-8");
	}

}
