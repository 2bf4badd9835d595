package io.membership.events;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/** One fully populated example of every event, for serialization tests. */
public final class SampleEvents {

	static final OrganizationId ORG = new OrganizationId("org_1");

	static final UserId OWNER = UserId.of(1);

	static final UserId MEMBER = UserId.of(42);

	static final WorkspaceId WS = new WorkspaceId("ws_b");

	static final ProjectId PROJECT = new ProjectId("17");

	static final InvitationId INVITATION = new InvitationId("inv_1");

	static final Instant AT = Instant.parse("2026-11-23T10:15:30.123456Z");

	static final String CORRELATION = "corr-1";

	private SampleEvents() {
	}

	public static List<MembershipEvent> all() {
		return List.of(
				new OrganizationCreated(ORG, "Acme Labeling", OWNER, "owner@acme.test", new InviteLinkId("lnk_1"),
						OWNER, AT, CORRELATION),
				new UserInvited(ORG, INVITATION, "new@acme.test", Role.ANNOTATOR, Set.of(WS, new WorkspaceId("ws_a")),
						Set.of(new ProjectId("18"), PROJECT), AT.plusSeconds(604800), OWNER, AT, CORRELATION),
				new InvitationRevoked(ORG, INVITATION, "new@acme.test", OWNER, AT, CORRELATION),
				new InviteLinkReset(ORG, new InviteLinkId("lnk_2"), OWNER, AT, CORRELATION),
				new MemberJoined(ORG, MEMBER, "new@acme.test", Role.NOT_ACTIVATED, null, Set.of(), MEMBER, AT,
						CORRELATION),
				new MemberActivated(ORG, MEMBER, Role.NOT_ACTIVATED, Role.REVIEWER, "passed training", OWNER, AT,
						CORRELATION),
				new MemberRoleChanged(ORG, MEMBER, Role.REVIEWER, Role.MANAGER, null, OWNER, AT, CORRELATION),
				new MemberDeactivated(ORG, MEMBER, Role.MANAGER, "left the team", OWNER, AT, CORRELATION),
				new OwnershipTransferred(ORG, OWNER, MEMBER, Role.ADMINISTRATOR, OWNER, AT, CORRELATION),
				new WorkspaceCreated(ORG, WS, "Medical images", OWNER, AT, CORRELATION),
				new MemberAssignedToWorkspace(ORG, WS, MEMBER, OWNER, AT, CORRELATION),
				new MemberRemovedFromWorkspace(ORG, WS, MEMBER, OWNER, AT, CORRELATION),
				new ProjectRegistered(ORG, PROJECT, WS, "Chest X-rays", false, OWNER, AT, CORRELATION),
				new ProjectUpdated(ORG, PROJECT, WS, new WorkspaceId("ws_a"), "Chest X-rays, batch 2", true, OWNER, AT,
						CORRELATION),
				new MemberAddedToProject(ORG, PROJECT, MEMBER, Role.REVIEWER, "reviews this batch", OWNER, AT,
						CORRELATION),
				new ProjectRoleChanged(ORG, PROJECT, MEMBER, Role.REVIEWER, null, null, OWNER, AT, CORRELATION),
				new MemberRemovedFromProject(ORG, PROJECT, MEMBER, null, OWNER, AT, CORRELATION),
				new ProjectRemoved(ORG, PROJECT, new WorkspaceId("ws_a"), OWNER, AT, CORRELATION),
				new MemberRemoved(ORG, MEMBER, Role.REVIEWER, OWNER, AT, CORRELATION),
				new PersonalDataErased(ORG, MEMBER, List.of(INVITATION), null, "erasure-service", AT, CORRELATION));
	}

}
