package io.membership.infra.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.membership.audit.HashChainWriter;
import io.membership.audit.HashChainWriter.StoredEvent;
import io.membership.audit.chain.HashChain;
import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.PersonalDataErased;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
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

/**
 * The chain writer hashes an event from the payload bytes the event store wrote, which
 * Axon serialized once for the insert, instead of serializing the event a second time.
 * Every hash already in a chain (and every auditor's recomputation) depends on that
 * giving the very hash the event itself gives, for every type of event.
 */
class StoredPayloadHashTest {

	private static final OrganizationId ORG = OrganizationId.generate();

	private static final UserId OWNER = UserId.of(1);

	private static final UserId MEMBER = UserId.of(42);

	private static final WorkspaceId WS = new WorkspaceId("ws_b");

	private static final ProjectId PROJECT = new ProjectId("17");

	private static final InvitationId INVITATION = new InvitationId("inv_1");

	private static final Instant AT = Instant.parse("2026-11-23T10:15:30.123456Z");

	/** Quotes, a line break, a tab, non-ASCII and a supplementary character. */
	private static final String REASON = "passed \"training\"\n\tÀ la carte ✓ 𝄞";

	private final Serializer storedAs = AxonConfiguration.storedEventSerializer();

	@Test
	void the_hash_from_the_stored_bytes_is_the_hash_of_the_event_for_every_type() {
		String previous = HashChain.GENESIS;
		long version = 1;
		for (MembershipEvent event : everyType()) {
			GenericDomainEventMessage<MembershipEvent> message = new GenericDomainEventMessage<>("Organization",
					ORG.value(), version - 1, event);
			byte[] stored = message.serializePayload(this.storedAs, byte[].class).getData();

			String fromStoredBytes = HashChainWriter.hash(previous,
					new StoredEvent(ORG.value(), version, message.getIdentifier(), event, stored));

			assertThat(fromStoredBytes).as(event.typeName()).isEqualTo(hashOfTheEvent(previous, version, message));
			previous = fromStoredBytes;
			version++;
		}
	}

	/** The hash as the writer computed it before: from the event, serialized again. */
	private static String hashOfTheEvent(String previous, long version,
			GenericDomainEventMessage<MembershipEvent> message) {
		JsonNode payload = MembershipJson.mapper().valueToTree(message.getPayload());
		return HashChain.hash(previous, HashChain.envelope(ORG.value(), version, message.getIdentifier(),
				message.getPayload().typeName(), payload.path("occurred_at").asString(), payload));
	}

	/**
	 * UserInvited gained {@code projects} within its revision. An invitation stored
	 * before has none in its payload; read back it is an invitation to no project, which
	 * would serialize with {@code "projects":[]}. Its hash, in the chain and in every
	 * auditor's recomputation from the export, is of the bytes as stored, so it is the
	 * one it always had.
	 */
	@Test
	void an_invitation_stored_before_invitations_named_projects_keeps_the_hash_of_its_stored_bytes() {
		byte[] stored = ("{\"organization_id\":\"" + ORG.value() + "\",\"invitation_id\":\"inv_1\","
				+ "\"email\":\"new@acme.test\",\"role\":\"AN\",\"workspaces\":[\"ws_a\"],"
				+ "\"expires_at\":\"2026-11-30T10:15:30.123456Z\",\"actor_user_id\":1,"
				+ "\"occurred_at\":\"2026-11-23T10:15:30.123456Z\",\"correlation_id\":\"corr-2\"}")
			.getBytes(StandardCharsets.UTF_8);
		UserInvited read = (UserInvited) this.storedAs
			.deserialize(new SimpleSerializedObject<>(stored, byte[].class, UserInvited.class.getName(), "1"));
		JsonNode asStored = MembershipJson.mapper().readTree(stored);

		String hash = HashChainWriter.hash(HashChain.GENESIS, new StoredEvent(ORG.value(), 1, "event-1", read, stored));

		assertThat(read.projects()).isEmpty();
		assertThat(MembershipJson.mapper().valueToTree(read).has("projects")).as("written again, it would differ")
			.isTrue();
		assertThat(hash).isEqualTo(HashChain.hash(HashChain.GENESIS, HashChain.envelope(ORG.value(), 1, "event-1",
				"UserInvited", asStored.path("occurred_at").asString(), asStored)));
	}

	@Test
	void every_type_of_event_is_among_them() {
		assertThat(everyType().stream().map(Object::getClass).distinct())
			.containsExactlyInAnyOrderElementsOf(Arrays.asList(MembershipEvent.class.getPermittedSubclasses()));
	}

	private static List<MembershipEvent> everyType() {
		return List.of(
				new OrganizationCreated(ORG, "Acme Labeling", OWNER, "owner@acme.test", new InviteLinkId("lnk_1"),
						OWNER, AT, "corr-1"),
				new UserInvited(ORG, INVITATION, "new@acme.test", Role.ANNOTATOR, Set.of(WS, new WorkspaceId("ws_a")),
						AT.plusSeconds(604800), OWNER, AT, "corr-2"),
				new InvitationRevoked(ORG, INVITATION, "new@acme.test", OWNER, AT, "corr-3"),
				new InviteLinkReset(ORG, new InviteLinkId("lnk_2"), OWNER, AT, "corr-4"),
				new MemberJoined(ORG, MEMBER, "new@acme.test", Role.NOT_ACTIVATED, null, Set.of(), MEMBER, AT,
						"corr-5"),
				new MemberActivated(ORG, MEMBER, Role.NOT_ACTIVATED, Role.REVIEWER, REASON, OWNER, AT, "corr-6"),
				new MemberRoleChanged(ORG, MEMBER, Role.REVIEWER, Role.MANAGER, null, OWNER, AT, "corr-7"),
				new MemberDeactivated(ORG, MEMBER, Role.MANAGER, REASON, OWNER, AT, "corr-8"),
				new OwnershipTransferred(ORG, OWNER, MEMBER, Role.ADMINISTRATOR, OWNER, AT, "corr-9"),
				new WorkspaceCreated(ORG, WS, "Medical images \u00e9\u0301", OWNER, AT, "corr-10"),
				new MemberAssignedToWorkspace(ORG, WS, MEMBER, OWNER, AT, "corr-11"),
				new MemberRemovedFromWorkspace(ORG, WS, MEMBER, OWNER, AT, "corr-12"),
				new ProjectRegistered(ORG, PROJECT, WS, "Chest X-rays", false, OWNER, AT, "corr-13"),
				new ProjectUpdated(ORG, PROJECT, WS, new WorkspaceId("ws_a"), "Chest X-rays, batch 2", true, OWNER, AT,
						"corr-14"),
				new MemberAddedToProject(ORG, PROJECT, MEMBER, Role.REVIEWER, REASON, OWNER, AT, "corr-15"),
				new ProjectRoleChanged(ORG, PROJECT, MEMBER, Role.REVIEWER, null, null, OWNER, AT, "corr-16"),
				new MemberRemovedFromProject(ORG, PROJECT, MEMBER, null, OWNER, AT, "corr-17"),
				new ProjectRemoved(ORG, PROJECT, new WorkspaceId("ws_a"), OWNER, AT, "corr-18"),
				new MemberRemoved(ORG, MEMBER, Role.MANAGER, OWNER, AT, "corr-19"),
				new PersonalDataErased(ORG, MEMBER, List.of(INVITATION), null, "privacy", AT, "corr-20"));
	}

}
