package io.membership.query.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.PersonalDataErased;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.json.MembershipJson;
import io.membership.query.projection.ProjectedEvent;
import io.membership.topics.CloudEventRecords;
import io.membership.topics.RecordMac;

/**
 * One organization's events as the command side records them, version after version, and
 * as the publisher writes them to the topic: CloudEvents records signed with
 * {@link #MAC}, the key the query side under test is given.
 */
public final class OrganizationHistory {

	/** The service's record key in these tests. */
	public static final RecordMac MAC = new RecordMac(
			RecordMac.Key.parse("test:query-side-test-kafka-record-key-0123456789"));

	public static final UserId OWNER = UserId.of(1);

	private final OrganizationId id = OrganizationId.generate();

	private final List<MembershipEvent> events = new ArrayList<>();

	/**
	 * The addresses the events refer to, by the version of the event that first did and
	 * its key on the personal-data topic: what the publisher writes there before the
	 * event.
	 */
	private final Map<Long, Map.Entry<String, String>> addresses = new TreeMap<>();

	private Instant clock = Instant.parse("2026-11-26T10:00:00Z");

	private OrganizationHistory(String name, String ownerEmail) {
		address("user:" + OWNER.value(), ownerEmail);
		add(new OrganizationCreated(this.id, name, OWNER, ownerEmail, new InviteLinkId("lnk_1"), OWNER, next(),
				"correlation-1"));
	}

	/** A new organization, created by {@link #OWNER}: version 1. */
	public static OrganizationHistory created(String name) {
		return created(name, "owner@acme.test");
	}

	/** A new organization, created by {@link #OWNER} with this e-mail: version 1. */
	public static OrganizationHistory created(String name, String ownerEmail) {
		return new OrganizationHistory(name, ownerEmail);
	}

	/**
	 * The next event as the test spells it, given this organization, the next instant and
	 * the next correlation id: for values the other steps do not let a test choose.
	 */
	public OrganizationHistory then(Step step) {
		return add(step.event(this.id, next(), correlation()));
	}

	public OrganizationHistory joined(long user, Role role) {
		address("user:" + user, "user" + user + "@acme.test");
		return add(new MemberJoined(this.id, UserId.of(user), "user" + user + "@acme.test", role, null, Set.of(),
				UserId.of(user), next(), correlation()));
	}

	public OrganizationHistory roleChanged(long user, Role from, Role to) {
		return add(new MemberRoleChanged(this.id, UserId.of(user), from, to, "trained", OWNER, next(), correlation()));
	}

	public OrganizationHistory workspaceCreated(String workspace) {
		return add(new WorkspaceCreated(this.id, new WorkspaceId(workspace), "Images of " + workspace, OWNER, next(),
				correlation()));
	}

	public OrganizationHistory assigned(String workspace, long user) {
		return add(new MemberAssignedToWorkspace(this.id, new WorkspaceId(workspace), UserId.of(user), OWNER, next(),
				correlation()));
	}

	public OrganizationHistory invited(String email, Role role) {
		return invited(InvitationId.generate(), email, role);
	}

	public OrganizationHistory invited(InvitationId invitation, String email, Role role, String... workspaces) {
		address("invitation:" + invitation.value(), email);
		return add(new UserInvited(this.id, invitation, email, role, workspaces(workspaces),
				this.clock.plus(Duration.ofDays(7)), OWNER, next(), correlation()));
	}

	public OrganizationHistory revoked(InvitationId invitation, String email) {
		return add(new InvitationRevoked(this.id, invitation, email, OWNER, next(), correlation()));
	}

	public OrganizationHistory inviteLinkReset() {
		return add(new InviteLinkReset(this.id, new InviteLinkId("lnk_" + (this.events.size() + 1)), OWNER, next(),
				correlation()));
	}

	/** The user accepts the invitation, with the role and workspaces it names. */
	public OrganizationHistory joinedByInvitation(long user, InvitationId invitation, String email, Role role,
			String... workspaces) {
		address("user:" + user, email);
		return add(new MemberJoined(this.id, UserId.of(user), email, role, invitation, workspaces(workspaces),
				UserId.of(user), next(), correlation()));
	}

	public OrganizationHistory activated(long user, Role to) {
		return add(new MemberActivated(this.id, UserId.of(user), Role.NOT_ACTIVATED, to, "welcome", OWNER, next(),
				correlation()));
	}

	public OrganizationHistory deactivated(long user, Role from) {
		return add(new MemberDeactivated(this.id, UserId.of(user), from, "left", OWNER, next(), correlation()));
	}

	/** {@link #OWNER} hands the organization to the user, who had this role. */
	public OrganizationHistory ownershipTransferred(long user, Role previousRole) {
		return add(
				new OwnershipTransferred(this.id, OWNER, UserId.of(user), previousRole, OWNER, next(), correlation()));
	}

	public OrganizationHistory removedFromWorkspace(String workspace, long user) {
		return add(new MemberRemovedFromWorkspace(this.id, new WorkspaceId(workspace), UserId.of(user), OWNER, next(),
				correlation()));
	}

	public OrganizationHistory projectRegistered(String project, String workspace, String title,
			boolean annotatorsViewOwnData) {
		return add(new ProjectRegistered(this.id, new ProjectId(project), new WorkspaceId(workspace), title,
				annotatorsViewOwnData, OWNER, next(), correlation()));
	}

	public OrganizationHistory projectUpdated(String project, String fromWorkspace, String workspace, String title,
			boolean annotatorsViewOwnData) {
		return add(new ProjectUpdated(this.id, new ProjectId(project), new WorkspaceId(fromWorkspace),
				new WorkspaceId(workspace), title, annotatorsViewOwnData, OWNER, next(), correlation()));
	}

	public OrganizationHistory projectRemoved(String project, String workspace) {
		return add(new ProjectRemoved(this.id, new ProjectId(project), new WorkspaceId(workspace), OWNER, next(),
				correlation()));
	}

	/** The user joins the project; a null project role is Inherit. */
	public OrganizationHistory addedToProject(String project, long user, Role projectRole) {
		return add(new MemberAddedToProject(this.id, new ProjectId(project), UserId.of(user), projectRole, "needed",
				OWNER, next(), correlation()));
	}

	public OrganizationHistory projectRoleChanged(String project, long user, Role from, Role to) {
		return add(new ProjectRoleChanged(this.id, new ProjectId(project), UserId.of(user), from, to, "promoted", OWNER,
				next(), correlation()));
	}

	/** {@link #OWNER} removes the member, who had this role, from the organization. */
	public OrganizationHistory removed(long user, Role from) {
		return add(new MemberRemoved(this.id, UserId.of(user), from, OWNER, next(), correlation()));
	}

	/**
	 * A service principal (client {@code privacy-desk}, no user id) had the user's
	 * addresses erased, with those of the invitations named.
	 */
	public OrganizationHistory erased(long user, InvitationId... invitations) {
		return add(new PersonalDataErased(this.id, UserId.of(user), List.of(invitations), null, "privacy-desk", next(),
				correlation()));
	}

	public OrganizationHistory removedFromProject(String project, long user, Role projectRole) {
		return add(new MemberRemovedFromProject(this.id, new ProjectId(project), UserId.of(user), projectRole, OWNER,
				next(), correlation()));
	}

	/** A few members, a role change, a workspace with a member, and an invitation. */
	public static OrganizationHistory busy(String name) {
		return created(name).joined(2, Role.ADMINISTRATOR)
			.joined(3, Role.ANNOTATOR)
			.roleChanged(3, Role.ANNOTATOR, Role.REVIEWER)
			.workspaceCreated("ws_images")
			.assigned("ws_images", 3)
			.invited("later@acme.test", Role.MANAGER);
	}

	/**
	 * An Annotator (user 2) who is a Reviewer in project 17, of the workspace
	 * {@code ws_images}: versions 1 to 5.
	 */
	public static OrganizationHistory annotatorInAProject(String name) {
		return created(name).workspaceCreated("ws_images")
			.joined(2, Role.ANNOTATOR)
			.projectRegistered("17", "ws_images", "Cats", true)
			.addedToProject("17", 2, Role.REVIEWER);
	}

	/**
	 * Every event type at least once, each as the command side would record it: members
	 * joining by the link and by invitation, activated, changing role, deactivated; an
	 * invitation revoked and the link reset; workspaces and their members; projects
	 * registered, moved and removed, with members joining, changing role in and leaving
	 * them; the ownership handed on; a deactivated member (user 4, still assigned to a
	 * workspace) removed, and their addresses (theirs and their invitation's) erased.
	 */
	public static OrganizationHistory everyEventType(String name) {
		InvitationId ann = new InvitationId("inv_ann");
		InvitationId bob = new InvitationId("inv_bob");
		InvitationId carl = new InvitationId("inv_carl");
		return created(name).joined(2, Role.ADMINISTRATOR)
			.workspaceCreated("ws_images")
			.invited(ann, "ann@acme.test", Role.ANNOTATOR, "ws_images")
			.joinedByInvitation(3, ann, "ann@acme.test", Role.ANNOTATOR, "ws_images")
			.invited(bob, "bob@acme.test", null)
			.joinedByInvitation(4, bob, "bob@acme.test", Role.NOT_ACTIVATED)
			.activated(4, Role.REVIEWER)
			.invited(carl, "carl@acme.test", Role.MANAGER)
			.revoked(carl, "carl@acme.test")
			.inviteLinkReset()
			.roleChanged(3, Role.ANNOTATOR, Role.REVIEWER)
			.assigned("ws_images", 4)
			.workspaceCreated("ws_audio")
			.projectRegistered("17", "ws_images", "Cats", true)
			.addedToProject("17", 3, null)
			.addedToProject("17", 4, Role.ANNOTATOR)
			.projectRoleChanged("17", 3, null, Role.REVIEWER)
			.projectUpdated("17", "ws_images", "ws_audio", "Purrs", false)
			.removedFromProject("17", 4, Role.ANNOTATOR)
			.projectRegistered("18", "ws_audio", "Birds", false)
			.addedToProject("18", 3, Role.REVIEWER)
			.projectRemoved("18", "ws_audio")
			.removedFromWorkspace("ws_images", 3)
			.deactivated(4, Role.REVIEWER)
			.ownershipTransferred(2, Role.ADMINISTRATOR)
			.removed(4, Role.DEACTIVATED)
			.erased(4, bob);
	}

	public OrganizationId id() {
		return this.id;
	}

	/** The organization's version after its last event. */
	public long version() {
		return this.events.size();
	}

	/** When the event of this version occurred. */
	public Instant occurredAt(long version) {
		return event(version).occurredAt();
	}

	public MembershipEvent event(long version) {
		return this.events.get((int) version - 1);
	}

	/** The event of this version, as the query side receives it. */
	public ProjectedEvent projected(long version) {
		return new ProjectedEvent(event(version), version, eventId(version));
	}

	/**
	 * The event of this version as the query side reads it from the topic: without an
	 * address, whichever revision was published.
	 */
	public ProjectedEvent projectedAsRead(long version) {
		MembershipEvent event = event(version);
		ObjectNode body = MembershipJson.mapper().valueToTree(event);
		body.remove(List.of("email", "owner_email"));
		return new ProjectedEvent(MembershipJson.mapper().treeToValue(body, event.getClass()), version,
				eventId(version));
	}

	/**
	 * The event of this version as the publisher writes it: signed, and of the revision
	 * without an address ({@code membership.<Name>.v2}, no {@code email} or
	 * {@code owner_email}) for the events that had one.
	 */
	public ProducerRecord<String, byte[]> record(long version) {
		return MAC.sign(unsigned(version));
	}

	/** The event of this version as anyone may write it: without a MAC. */
	public ProducerRecord<String, byte[]> unsigned(long version) {
		return withoutAddress(CloudEventRecords.of(event(version), eventId(version), version));
	}

	/**
	 * The records of the personal-data topic the publisher writes before the events up to
	 * this version refer to their addresses, in order: {@code user:} and
	 * {@code invitation:} keys with {@code {"email": ...}} values, signed.
	 */
	public List<ProducerRecord<String, byte[]>> personalDataRecords(long upToVersion) {
		return addresses(upToVersion).stream()
			.map((address) -> PersonalDataTopic.address(address.key(), address.email(), address.publishedAt()))
			.toList();
	}

	/**
	 * The addresses the events up to this version refer to, as the publisher writes them
	 * to the personal-data topic before the event: published when the event occurred.
	 */
	public List<Address> addresses(long upToVersion) {
		List<Address> addresses = new ArrayList<>();
		this.addresses.forEach((version, address) -> {
			if (version <= upToVersion && address.getValue() != null) {
				addresses.add(new Address(address.getKey(), address.getValue(), occurredAt(version)));
			}
		});
		return addresses;
	}

	/** An address on the personal-data topic. */
	public record Address(String key, String email, Instant publishedAt) {
	}

	/** Every record of the personal-data topic the events refer to. */
	public List<ProducerRecord<String, byte[]>> personalDataRecords() {
		return personalDataRecords(version());
	}

	/** The four events that carried an address in revision 1, as revision 2 has them. */
	private static ProducerRecord<String, byte[]> withoutAddress(ProducerRecord<String, byte[]> record) {
		String type = new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);
		if (!ADDRESSED.contains(type.substring("membership.".length(), type.lastIndexOf(".v")))) {
			return record;
		}
		ObjectNode body = (ObjectNode) MembershipJson.mapper().readTree(record.value());
		body.remove(List.of("email", "owner_email"));
		return retyped(record, MembershipJson.mapper().writeValueAsBytes(body), ".v2");
	}

	private static ProducerRecord<String, byte[]> retyped(ProducerRecord<String, byte[]> record, byte[] value,
			String revision) {
		RecordHeaders headers = new RecordHeaders();
		for (Header header : record.headers()) {
			if (header.key().equals("ce_type")) {
				String type = new String(header.value(), StandardCharsets.UTF_8);
				headers.add("ce_type",
						(type.substring(0, type.lastIndexOf(".v")) + revision).getBytes(StandardCharsets.UTF_8));
			}
			else {
				headers.add(header);
			}
		}
		return new ProducerRecord<>(record.topic(), null, record.key(), value, headers);
	}

	private static final Set<String> ADDRESSED = Set.of("OrganizationCreated", "UserInvited", "MemberJoined",
			"InvitationRevoked");

	/**
	 * The next event refers to the address under this key, which the publisher writes to
	 * the personal-data topic first: for an event a test spells with {@link #then}.
	 */
	public OrganizationHistory address(String key, String email) {
		if (email != null) {
			this.addresses.putIfAbsent(this.events.size() + 1L, Map.entry(key, email));
		}
		return this;
	}

	/** Every event's record, in order. */
	public List<ProducerRecord<String, byte[]>> records() {
		List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
		for (long version = 1; version <= version(); version++) {
			records.add(record(version));
		}
		return records;
	}

	private String eventId(long version) {
		return "evt-" + this.id.value().substring(4, 12) + "-" + version;
	}

	private OrganizationHistory add(MembershipEvent event) {
		this.events.add(event);
		return this;
	}

	private Instant next() {
		this.clock = this.clock.plus(Duration.ofMinutes(1));
		return this.clock;
	}

	private String correlation() {
		return "correlation-" + (this.events.size() + 1);
	}

	private static Set<WorkspaceId> workspaces(String... workspaces) {
		return Stream.of(workspaces).map(WorkspaceId::new).collect(Collectors.toSet());
	}

	/** One event of this organization, as {@link #then} asks a test to spell it. */
	@FunctionalInterface
	public interface Step {

		MembershipEvent event(OrganizationId organization, Instant occurredAt, String correlationId);

	}

}
