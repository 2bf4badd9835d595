package io.membership.example.consumer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.core.JacksonException;

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
import io.membership.events.MembershipEventVisitor;
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
import io.membership.events.ids.UserId;
import io.membership.events.json.MembershipJson;

/**
 * Follows members' roles on {@code membership.events.v1} the way the topic's guarantees
 * (API.md, "Kafka"; {@code asyncapi.yaml} in the events jar) ask a subscriber to:
 * <ul>
 * <li><b>At least once</b>: a record whose {@code ce_id} was seen, or whose
 * {@code ce_orgversion} is not above the last one processed for its organization, is
 * dropped.</li>
 * <li><b>{@code ce_orgversion} rises by exactly one</b> per event of an organization: a
 * record more than one above the last one seen means events were never received. That is
 * reported as a {@link Outcome.Gap}, never skipped silently; the record itself is still
 * processed, because what it says is still true.</li>
 * <li><b>Tolerant reader</b>: unknown properties are ignored ({@link MembershipJson}),
 * and an unknown {@code ce_type} (a newer event, a {@code .v2}) changes no role but its
 * version is counted all the same.</li>
 * </ul>
 * Every event advances its organization's version, including those that change no role,
 * so the follower reads every record and keeps only the role changes.
 *
 * <p>
 * It keeps its state in memory. A service that commits consumer offsets must keep
 * {@link #lastVersions()} with its own data (in the same transaction) and start a
 * follower from it; one that reads the topic from the beginning on every start, as
 * {@link RoleChangeConsumer} does, needs nothing. An organization seen for the first time
 * is expected to start at version 1.
 *
 * <p>
 * Not thread-safe: feed it from one consumer thread, in the order records arrive (order
 * holds per partition, and all of an organization's events are on one partition).
 */
public final class RoleChangeFollower {

	/** The topic this follower reads. */
	public static final String EVENTS_TOPIC = "membership.events.v1";

	/** How many event ids are remembered to drop redeliveries by {@code ce_id}. */
	public static final int DEFAULT_REMEMBERED_IDS = 100_000;

	private static final String SOURCE_PREFIX = "/organizations/";

	private static final Set<Class<?>> WITHOUT_ADDRESS_SINCE_REVISION_2 = Set.of(OrganizationCreated.class,
			UserInvited.class, MemberJoined.class, InvitationRevoked.class);

	/**
	 * The {@code ce_type}s this follower reads: every event's revision 1, and revision 2
	 * of the four that no longer carry an e-mail address (issue 17; their revision-1
	 * records still on the topic do). This follower reads no address from either: the
	 * roles are all it keeps, and addresses are on {@code membership.personal-data.v1}.
	 */
	private static final Map<String, Class<? extends MembershipEvent>> TYPES = Arrays
		.stream(MembershipEvent.class.getPermittedSubclasses())
		.map(RoleChangeFollower::eventClass)
		.flatMap((type) -> WITHOUT_ADDRESS_SINCE_REVISION_2.contains(type)
				? Stream.of(Map.entry("membership." + type.getSimpleName() + ".v1", type),
						Map.entry("membership." + type.getSimpleName() + ".v2", type))
				: Stream.of(Map.entry("membership." + type.getSimpleName() + ".v1", type)))
		.collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

	private final Map<String, Long> lastVersions;

	/** Where an erasure forgets the person's addresses; null to keep none. */
	private final AddressBook addresses;

	private final Map<String, Boolean> recentIds;

	/** A follower that has seen nothing yet. */
	public RoleChangeFollower() {
		this(Map.of(), DEFAULT_REMEMBERED_IDS);
	}

	/**
	 * A follower that has seen nothing yet and makes each {@code PersonalDataErased}
	 * forget the person's addresses in the book.
	 */
	public RoleChangeFollower(AddressBook addresses) {
		this(Map.of(), DEFAULT_REMEMBERED_IDS, addresses);
	}

	/**
	 * @param lastVersions the last version processed per organization, as
	 * {@link #lastVersions()} returned it before
	 * @param rememberedIds how many of the latest event ids to remember; the version
	 * check catches older redeliveries anyway
	 */
	public RoleChangeFollower(Map<String, Long> lastVersions, int rememberedIds) {
		this(lastVersions, rememberedIds, null);
	}

	private RoleChangeFollower(Map<String, Long> lastVersions, int rememberedIds, AddressBook addresses) {
		this.addresses = addresses;
		if (rememberedIds < 1) {
			throw new IllegalArgumentException("At least one event id must be remembered");
		}
		this.lastVersions = new HashMap<>(lastVersions);
		this.recentIds = new LinkedHashMap<>(16, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
				return size() > rememberedIds;
			}

		};
	}

	/**
	 * Follows one record.
	 * @return what it came to, in order: a gap before the record if there is one, then
	 * the role changes it carries; nothing for an event that changes no role
	 */
	public List<Outcome> accept(ConsumerRecord<String, byte[]> record) {
		CloudEvent cloudEvent;
		try {
			// The CloudEvents SDK's Kafka binding reads the ce_ headers (binary mode).
			cloudEvent = KafkaMessageFactory.createReader(record).toEvent();
		}
		catch (RuntimeException ex) {
			return List.of(unreadable(record, "it is no CloudEvent in binary mode: " + ex.getMessage()));
		}
		String eventId = cloudEvent.getId();
		String type = cloudEvent.getType();
		Object orgVersion = cloudEvent.getExtension("orgversion");
		String versionText = (orgVersion != null) ? orgVersion.toString() : null;
		String organization = organization(record, cloudEvent);
		if (versionText == null || organization == null) {
			return List.of(unreadable(record, "it lacks a ce_orgversion or an organization key"));
		}
		long version;
		try {
			version = Long.parseLong(versionText);
		}
		catch (NumberFormatException ex) {
			return List.of(unreadable(record, "ce_orgversion '" + versionText + "' is not a number"));
		}

		if (this.recentIds.containsKey(eventId)) {
			return List.of(new Outcome.Dropped(organization, version, eventId, "ce_id already seen"));
		}
		Long last = this.lastVersions.get(organization);
		if (last != null && version <= last) {
			return List.of(new Outcome.Dropped(organization, version, eventId,
					"ce_orgversion not above v" + last + " already processed"));
		}

		List<Outcome> outcomes = new ArrayList<>();
		long expected = (last != null) ? last + 1 : 1;
		if (version > expected) {
			outcomes.add(new Outcome.Gap(organization, expected, version - 1));
		}
		this.recentIds.put(eventId, Boolean.TRUE);
		this.lastVersions.put(organization, version);

		Class<? extends MembershipEvent> eventClass = TYPES.get(type);
		if (eventClass == null) {
			// A type this subscriber does not know yet: its version counts, nothing else.
			return outcomes;
		}
		MembershipEvent event;
		try {
			event = MembershipJson.mapper().readValue(record.value(), eventClass);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			outcomes.add(unreadable(record, type + " body does not parse: " + ex.getMessage()));
			return outcomes;
		}
		outcomes.addAll(event.accept(new RoleChanges(event, version, eventId, this.addresses)));
		return outcomes;
	}

	/** The last version processed of an organization, if any. */
	public OptionalLong lastVersion(String organizationId) {
		Long last = this.lastVersions.get(organizationId);
		return (last != null) ? OptionalLong.of(last) : OptionalLong.empty();
	}

	/** The last version processed per organization: what to keep to resume later. */
	public Map<String, Long> lastVersions() {
		return Collections.unmodifiableMap(new HashMap<>(this.lastVersions));
	}

	/** The record key is the organization id; {@code ce_source} says the same. */
	private static String organization(ConsumerRecord<String, byte[]> record, CloudEvent cloudEvent) {
		if (record.key() != null && !record.key().isEmpty()) {
			return record.key();
		}
		String source = cloudEvent.getSource().toString();
		return (source.startsWith(SOURCE_PREFIX) && source.length() > SOURCE_PREFIX.length())
				? source.substring(SOURCE_PREFIX.length()) : null;
	}

	private static Outcome unreadable(ConsumerRecord<String, byte[]> record, String reason) {
		return new Outcome.Unreadable(record.topic(), record.partition(), record.offset(), reason);
	}

	@SuppressWarnings("unchecked")
	private static Class<? extends MembershipEvent> eventClass(Class<?> type) {
		return (Class<? extends MembershipEvent>) type;
	}

	/**
	 * The changes of organization role an event makes, in the order it makes them; none
	 * for an event that changes no one's role. A visitor, so that a new event type does
	 * not compile until it says whether it changes a role.
	 */
	private static final class RoleChanges implements MembershipEventVisitor<List<? extends Outcome>> {

		private final String organization;

		/**
		 * Null only for an erasure a service principal asked for, which changes no role.
		 */
		private final UserId actor;

		private final String type;

		private final long version;

		private final String eventId;

		private final AddressBook addresses;

		RoleChanges(MembershipEvent event, long version, String eventId, AddressBook addresses) {
			this.addresses = addresses;
			this.organization = event.organizationId().value();
			this.actor = event.actorUserId();
			this.type = event.typeName();
			this.version = version;
			this.eventId = eventId;
		}

		private Outcome.RoleChange change(UserId user, Role from, Role to) {
			return new Outcome.RoleChange(this.organization, user.value(), from, to, this.version, this.actor.value(),
					this.type, this.eventId);
		}

		@Override
		public List<? extends Outcome> on(OrganizationCreated created) {
			return List.of(change(created.ownerUserId(), null, Role.OWNER));
		}

		@Override
		public List<? extends Outcome> on(UserInvited invited) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(InvitationRevoked revoked) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(InviteLinkReset reset) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(MemberJoined joined) {
			return List.of(change(joined.userId(), null, joined.role()));
		}

		@Override
		public List<? extends Outcome> on(MemberActivated activated) {
			return List.of(change(activated.userId(), activated.fromRole(), activated.toRole()));
		}

		@Override
		public List<? extends Outcome> on(MemberRoleChanged changed) {
			return List.of(change(changed.userId(), changed.fromRole(), changed.toRole()));
		}

		@Override
		public List<? extends Outcome> on(MemberDeactivated deactivated) {
			return List.of(change(deactivated.userId(), deactivated.fromRole(), Role.DEACTIVATED));
		}

		@Override
		public List<? extends Outcome> on(OwnershipTransferred transferred) {
			return List.of(change(transferred.previousOwnerUserId(), Role.OWNER, Role.ADMINISTRATOR),
					change(transferred.newOwnerUserId(), transferred.newOwnerPreviousRole(), Role.OWNER));
		}

		@Override
		public List<? extends Outcome> on(WorkspaceCreated created) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(MemberAssignedToWorkspace assigned) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(MemberRemovedFromWorkspace removed) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(ProjectRegistered registered) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(ProjectUpdated updated) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(ProjectRemoved removed) {
			return List.of();
		}

		// A project role is the member's role in one project, not in the organization,
		// which is all this follower keeps.
		@Override
		public List<? extends Outcome> on(MemberAddedToProject added) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(ProjectRoleChanged changed) {
			return List.of();
		}

		@Override
		public List<? extends Outcome> on(MemberRemovedFromProject removed) {
			return List.of();
		}

		// Erasing a person's addresses leaves their roles as they are; a subscriber that
		// keeps addresses forgets them here, before the tombstones arrive.
		@Override
		public List<? extends Outcome> on(PersonalDataErased erased) {
			return (this.addresses != null) ? this.addresses.erase(erased) : List.of();
		}

		/** The member has no role any more: a cache drops them. */
		@Override
		public List<? extends Outcome> on(MemberRemoved removed) {
			return List.of(change(removed.userId(), removed.fromRole(), null));
		}

	}

}
