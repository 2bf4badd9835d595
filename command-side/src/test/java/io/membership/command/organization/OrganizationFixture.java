package io.membership.command.organization;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * The cast of the Organization tests: one member of every role and state, and two
 * workspaces, with the Manager assigned to the first only.
 */
final class OrganizationFixture {

	static final OrganizationId ORG = new OrganizationId("org_acme");

	static final UserId OWNER = UserId.of(1);

	static final UserId ADMIN = UserId.of(2);

	static final UserId MANAGER = UserId.of(3);

	static final UserId REVIEWER = UserId.of(4);

	static final UserId ANNOTATOR = UserId.of(5);

	static final UserId PENDING = UserId.of(6);

	static final UserId DEACTIVATED = UserId.of(7);

	static final UserId STRANGER = UserId.of(99);

	static final WorkspaceId MANAGED_WS = new WorkspaceId("ws_managed");

	static final WorkspaceId OTHER_WS = new WorkspaceId("ws_other");

	static final InviteLinkId LINK = new InviteLinkId("lnk_current");

	static final Instant BEFORE = Instant.parse("2026-01-01T00:00:00Z");

	static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

	static final String CORRELATION = "corr-test";

	private OrganizationFixture() {
	}

	static OrganizationCreated created() {
		return new OrganizationCreated(ORG, "Acme", OWNER, "owner@acme.test", LINK, OWNER, BEFORE, "corr-0");
	}

	static MemberJoined joined(UserId user, Role role) {
		return new MemberJoined(ORG, user, email(user), role, null, Set.of(), user, BEFORE, "corr-0");
	}

	static String email(UserId user) {
		return "user" + user + "@acme.test";
	}

	/** The whole cast, as the events that made it. */
	static Object[] cast() {
		List<MembershipEvent> events = new ArrayList<>();
		events.add(created());
		events.add(joined(ADMIN, Role.ADMINISTRATOR));
		events.add(joined(MANAGER, Role.MANAGER));
		events.add(joined(REVIEWER, Role.REVIEWER));
		events.add(joined(ANNOTATOR, Role.ANNOTATOR));
		events.add(joined(PENDING, Role.NOT_ACTIVATED));
		events.add(joined(DEACTIVATED, Role.ANNOTATOR));
		events.add(new MemberDeactivated(ORG, DEACTIVATED, Role.ANNOTATOR, null, ADMIN, BEFORE, "corr-0"));
		events.add(new WorkspaceCreated(ORG, MANAGED_WS, "Managed", ADMIN, BEFORE, "corr-0"));
		events.add(new WorkspaceCreated(ORG, OTHER_WS, "Other", ADMIN, BEFORE, "corr-0"));
		events.add(new MemberAssignedToWorkspace(ORG, MANAGED_WS, MANAGER, ADMIN, BEFORE, "corr-0"));
		return events.toArray();
	}

	/** The organization's version once {@link #cast()} is applied. */
	static final long CAST_VERSION = 11;

}
