package io.membership.query.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
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

	private Instant clock = Instant.parse("2026-11-26T10:00:00Z");

	private OrganizationHistory(String name) {
		add(new OrganizationCreated(this.id, name, OWNER, "owner@acme.test", new InviteLinkId("lnk_1"), OWNER, next(),
				"correlation-1"));
	}

	/** A new organization, created by {@link #OWNER}: version 1. */
	public static OrganizationHistory created(String name) {
		return new OrganizationHistory(name);
	}

	public OrganizationHistory joined(long user, Role role) {
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
		return add(new UserInvited(this.id, InvitationId.generate(), email, role, Set.of(),
				this.clock.plus(Duration.ofDays(7)), OWNER, next(), correlation()));
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

	public OrganizationId id() {
		return this.id;
	}

	/** The organization's version after its last event. */
	public long version() {
		return this.events.size();
	}

	public MembershipEvent event(long version) {
		return this.events.get((int) version - 1);
	}

	/** The event of this version, as the query side receives it. */
	public ProjectedEvent projected(long version) {
		return new ProjectedEvent(event(version), version, eventId(version));
	}

	/** The event of this version as the publisher writes it: signed. */
	public ProducerRecord<String, byte[]> record(long version) {
		return MAC.sign(unsigned(version));
	}

	/** The event of this version as anyone may write it: without a MAC. */
	public ProducerRecord<String, byte[]> unsigned(long version) {
		return CloudEventRecords.of(event(version), eventId(version), version);
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

}
