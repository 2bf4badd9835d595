package io.membership.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.membership.events.MemberActivated;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.json.MembershipJson;

/**
 * Valid organization histories written straight to {@code membership.events.v1} as the
 * service's publisher writes them (CloudEvents binary mode, the same headers and JSON
 * bodies, signed with the key the bench gives the service), for the replay and memory
 * measurements: a million events through the command API would take longer than the rest
 * of the run.
 *
 * <p>
 * Each organization: created (its Owner is its first member), then members join by the
 * invite link (Not Activated), then a workspace, activations as Annotators, and workspace
 * assignments and role changes alternating until its share of events is used up. The
 * organizations' events are interleaved on the topic, as concurrent traffic would be.
 */
final class SyntheticEvents {

	static final String TOPIC = "membership.events.v1";

	private static final long FIRST_USER_ID = 50_000_000;

	private SyntheticEvents() {
	}

	/**
	 * What was written, and the member to ask about to know that a service holds all of
	 * it.
	 */
	record Written(long events, long members, double seconds, LastLoaded lastLoaded) {
	}

	/**
	 * The organization whose last event is the topic's last synthetic record, its Owner,
	 * the member who joined it last, and its version after that record: a service whose
	 * permission view answers a check on that member at that version has everything
	 * before it too.
	 */
	record LastLoaded(String organizationId, long ownerId, long memberId, long version) {
	}

	static Written produce(String bootstrapServers, int organizations, int eventsPerOrganization,
			int membersPerOrganization) {
		Properties properties = new Properties();
		properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ProducerConfig.ACKS_CONFIG, "all");
		properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		properties.put(ProducerConfig.LINGER_MS_CONFIG, 10);
		properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
		properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
		properties.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-synthetic-events");
		List<History> histories = new ArrayList<>();
		for (int index = 0; index < organizations; index++) {
			histories.add(new History(index, Math.min(membersPerOrganization, eventsPerOrganization)));
		}
		long started = System.nanoTime();
		long events = 0;
		AtomicReference<Exception> failure = new AtomicReference<>();
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
				new ByteArraySerializer())) {
			for (int step = 0; step < eventsPerOrganization; step++) {
				for (History history : histories) {
					MembershipEvent event = history.next();
					producer.send(record(event, history.version), (metadata, exception) -> {
						if (exception != null) {
							failure.compareAndSet(null, exception);
						}
					});
					events++;
				}
				if (failure.get() != null) {
					break;
				}
			}
			producer.flush();
		}
		if (failure.get() != null) {
			throw new IllegalStateException("Kafka refused a synthetic event", failure.get());
		}
		long members = histories.stream().mapToLong((history) -> history.members).sum();
		History last = histories.get(histories.size() - 1);
		return new Written(events, members, (System.nanoTime() - started) / 1e9, last.lastLoaded());
	}

	private static ProducerRecord<String, byte[]> record(MembershipEvent event, long version) {
		String organization = event.organizationId().value();
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, organization,
				MembershipJson.mapper().writeValueAsBytes(event));
		Headers headers = record.headers();
		put(headers, "ce_specversion", "1.0");
		put(headers, "ce_id", UUID.randomUUID().toString());
		put(headers, "ce_source", "/organizations/" + organization);
		put(headers, "ce_type", "membership." + event.typeName() + ".v1");
		put(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
		event.subject().ifPresent((subject) -> put(headers, "ce_subject", subject.toString()));
		put(headers, "content-type", "application/json");
		put(headers, "ce_orgversion", Long.toString(version));
		put(headers, "ce_actorid", event.actorUserId().toString());
		put(headers, "ce_correlationid", event.correlationId());
		return RecordSigning.sign(record);
	}

	private static void put(Headers headers, String name, String value) {
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

	/** One organization's history, produced one event at a time. */
	private static final class History {

		private final OrganizationId organization = OrganizationId.generate();

		private final UserId owner;

		private final long firstMember;

		private final int targetMembers;

		private final List<Role> roles = new ArrayList<>();

		private WorkspaceId workspace;

		private int assigned;

		private int activated;

		private int members;

		private long version;

		private boolean assignNext = true;

		History(int index, int targetMembers) {
			this.firstMember = FIRST_USER_ID + (long) index * 1_000_000;
			this.owner = UserId.of(this.firstMember);
			this.targetMembers = targetMembers;
		}

		MembershipEvent next() {
			this.version++;
			Instant now = Instant.now();
			String correlation = "bench-" + this.organization.value() + "-" + this.version;
			if (this.version == 1) {
				this.members = 1;
				return new OrganizationCreated(this.organization, "Synthetic " + this.organization.value(), this.owner,
						"owner" + this.firstMember + "@bench.test", InviteLinkId.generate(), this.owner, now,
						correlation);
			}
			if (this.members < this.targetMembers) {
				UserId user = UserId.of(this.firstMember + this.members);
				this.members++;
				this.roles.add(Role.NOT_ACTIVATED);
				return new MemberJoined(this.organization, user, "user" + user + "@bench.test", Role.NOT_ACTIVATED,
						null, Set.of(), user, now, correlation);
			}
			if (this.workspace == null) {
				this.workspace = WorkspaceId.generate();
				return new WorkspaceCreated(this.organization, this.workspace, "Workspace of " + this.organization,
						this.owner, now, correlation);
			}
			int joined = this.roles.size();
			if (joined > 0 && this.activated < joined) {
				int index = this.activated++;
				this.roles.set(index, Role.ANNOTATOR);
				return new MemberActivated(this.organization, member(index), Role.NOT_ACTIVATED, Role.ANNOTATOR, null,
						this.owner, now, correlation);
			}
			if (joined > 0 && this.assignNext && this.assigned < joined) {
				this.assignNext = false;
				return new MemberAssignedToWorkspace(this.organization, this.workspace, member(this.assigned++),
						this.owner, now, correlation);
			}
			this.assignNext = true;
			if (joined == 0) {
				return new WorkspaceCreated(this.organization, WorkspaceId.generate(), "More work", this.owner, now,
						correlation);
			}
			int index = (int) (this.version % joined);
			Role from = this.roles.get(index);
			Role to = (from == Role.ANNOTATOR) ? Role.REVIEWER : Role.ANNOTATOR;
			this.roles.set(index, to);
			return new MemberRoleChanged(this.organization, member(index), from, to, "synthetic", this.owner, now,
					correlation);
		}

		LastLoaded lastLoaded() {
			UserId member = this.roles.isEmpty() ? this.owner : member(this.roles.size() - 1);
			return new LastLoaded(this.organization.value(), this.owner.value(), member.value(), this.version);
		}

		private UserId member(int index) {
			return UserId.of(this.firstMember + 1 + index);
		}

	}

}
