package io.membership.query.feed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.events.ids.OrganizationId;
import io.membership.events.text.TextRules;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.OrganizationQuarantine;
import io.membership.query.projection.PersonalDataProjection;
import io.membership.query.projection.ProjectedEvent;
import io.membership.query.view.PermissionView;
import io.membership.topics.CloudEventRecords;

/**
 * Applies what one poll delivered, and decides which organizations to set aside.
 *
 * <p>
 * A poll is split by partition into a few groups ({@link PartitionLanes}), applied side
 * by side, each in one transaction together with the consumer's position in its
 * partitions, so a crash neither loses nor double-applies an event; the in-memory
 * permission view follows each group once its transaction has committed. An
 * organization's events are all in one partition, so each is applied in order by one
 * group. One event that cannot be applied must not stop the query side for every
 * organization: if a group's transaction fails for any reason but an unreachable
 * database, its records are applied again one transaction each, and an organization whose
 * event still fails (or arrives past a gap) is set aside in
 * {@link OrganizationQuarantine}. Its queries and checks then answer 503
 * {@code view_stale}, its later events are skipped, it is logged once, and a rebuild
 * repairs it. Every other organization carries on. A record without a valid MAC
 * ({@link AuthenticRecords}) is no event of the organization it names: it is skipped, and
 * sets nothing aside.
 */
final class PollApplier {

	private static final Logger logger = LoggerFactory.getLogger(PollApplier.class);

	private static final String PAST_A_GAP = "arrived past a gap in the organization's versions";

	private final MembershipProjection projection;

	private final OrganizationQuarantine quarantine;

	private final PermissionView view;

	private final ConsumerPositions positions;

	private final TransactionTemplate transactions;

	private final AuthenticRecords authenticity;

	private final Predicate<Throwable> databaseUnavailable;

	private final java.util.function.Consumer<Set<String>> addresses;

	private final PartitionLanes lanes;

	PollApplier(MembershipProjection projection, OrganizationQuarantine quarantine, PermissionView view,
			ConsumerPositions positions, TransactionTemplate transactions, AuthenticRecords authenticity,
			Predicate<Throwable> databaseUnavailable) {
		this(projection, quarantine, view, positions, transactions, authenticity, databaseUnavailable, (keys) -> {
		}, new PartitionLanes(1, "query-projection-lane"));
	}

	/**
	 * @param addresses called with the keys of the addresses a poll's events refer to,
	 * before any of them is applied: makes sure every one the personal-data topic has is
	 * in the table ({@link PersonalDataFeed#ensureKnown})
	 * @param lanes how a poll is split by partition into groups applied side by side,
	 * each in a transaction of its own
	 */
	PollApplier(MembershipProjection projection, OrganizationQuarantine quarantine, PermissionView view,
			ConsumerPositions positions, TransactionTemplate transactions, AuthenticRecords authenticity,
			Predicate<Throwable> databaseUnavailable, java.util.function.Consumer<Set<String>> addresses,
			PartitionLanes lanes) {
		this.addresses = addresses;
		this.lanes = lanes;
		this.projection = projection;
		this.quarantine = quarantine;
		this.view = view;
		this.positions = positions;
		this.transactions = transactions;
		this.authenticity = authenticity;
		this.databaseUnavailable = databaseUnavailable;
	}

	/**
	 * Applies a poll: its groups of partitions ({@link PartitionLanes}) side by side,
	 * each in one transaction with the positions of its partitions; a group whose
	 * transaction fails for any reason but an unreachable database is applied again one
	 * record a transaction, setting aside the organizations whose events still fail. The
	 * permission view follows each group once it has committed.
	 * @throws RuntimeException if the database cannot be reached: the groups that
	 * committed stay applied, nothing of the others is, and the caller starts again from
	 * the stored positions
	 */
	void apply(ConsumerRecords<String, byte[]> records) {
		apply(parse(records));
	}

	/** Reads a poll's records ahead of applying them. */
	List<Parsed> parse(ConsumerRecords<String, byte[]> records) {
		List<Parsed> parsed = new ArrayList<>(records.count());
		for (ConsumerRecord<String, byte[]> record : records) {
			parsed.add(parse(record));
		}
		return parsed;
	}

	/** Applies a poll's records read by {@link #parse}, as {@link #apply} says. */
	void apply(List<Parsed> parsed) {
		// On the caller's thread, before any group: the personal-data topic's consumer
		// is the caller's, and its rows are shared across organizations.
		this.addresses.accept(keysReferredTo(parsed));
		List<List<Parsed>> groups = this.lanes.split(parsed, (record) -> record.record().partition(),
				PollApplier::erasesAddresses);
		this.lanes.run(groups.stream().map((group) -> (Runnable) () -> applyGroup(group)).toList());
	}

	/** One group of partitions: together, or one record a transaction if that fails. */
	private void applyGroup(List<Parsed> parsed) {
		Applied applied;
		try {
			applied = this.transactions.execute((status) -> applyTogether(parsed));
		}
		catch (RuntimeException ex) {
			if (this.databaseUnavailable.test(ex)) {
				throw ex;
			}
			logger.warn("A poll's {} records of partitions {} could not be applied in one transaction; applying them "
					+ "one by one to set aside the organization at fault", parsed.size(), partitionsOf(parsed));
			applied = new Applied();
			for (Parsed record : parsed) {
				applied.addAll(applyAlone(record));
			}
		}
		applied.publishTo(this.view);
	}

	private static Set<Integer> partitionsOf(List<Parsed> parsed) {
		Set<Integer> partitions = new java.util.TreeSet<>();
		parsed.forEach((record) -> partitions.add(record.record().partition()));
		return partitions;
	}

	/**
	 * Whether the record erases addresses, rows that a user's other organizations share.
	 */
	private static boolean erasesAddresses(Parsed parsed) {
		return parsed.failure() == null && parsed.parsedEvent().isPresent()
				&& parsed.parsedEvent().get().event().asErasure().isPresent();
	}

	/**
	 * Releases the organizations a rebuild has repaired (their rows are gone from the
	 * quarantine table), even if no event of theirs arrives.
	 */
	void releaseRepaired() {
		Set<OrganizationId> setAside = this.view.setAside();
		if (setAside.isEmpty()) {
			return;
		}
		Set<OrganizationId> stillSetAside = this.quarantine.all();
		for (OrganizationId organization : setAside) {
			if (!stillSetAside.contains(organization)) {
				logger.info("Organization {} was repaired; answering its queries again", organization);
				this.view.release(organization);
			}
		}
	}

	private Applied applyTogether(List<Parsed> records) {
		Applied applied = new Applied();
		List<ProjectedEvent> events = new ArrayList<>();
		Map<TopicPartition, Long> next = new HashMap<>();
		for (Parsed parsed : records) {
			ConsumerRecord<String, byte[]> record = parsed.record();
			parsed.event().filter((event) -> !isHeldBack(event.organizationId(), applied)).ifPresent(events::add);
			next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
		}
		List<MembershipProjection.Outcome> outcomes = this.projection.applyAll(events);
		for (int i = 0; i < events.size(); i++) {
			ProjectedEvent event = events.get(i);
			if (outcomes.get(i) == MembershipProjection.Outcome.GAP) {
				setAside(event.organizationId(), event.version(), event.eventId(), event.event().typeName(), PAST_A_GAP,
						applied);
			}
			else {
				applied.events.add(event);
			}
		}
		next.forEach(this.positions::store);
		return applied;
	}

	/**
	 * One record in a transaction of its own; if it fails for any reason but an
	 * unreachable database, its organization is set aside in another.
	 */
	private Applied applyAlone(Parsed parsed) {
		ConsumerRecord<String, byte[]> record = parsed.record();
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		try {
			return this.transactions.execute((status) -> {
				Applied applied = new Applied();
				Optional<ProjectedEvent> event = parsed.event()
					.filter((projected) -> !isHeldBack(projected.organizationId(), applied));
				if (event.isPresent()) {
					ProjectedEvent projected = event.get();
					if (this.projection.apply(projected) == MembershipProjection.Outcome.GAP) {
						setAside(projected.organizationId(), projected.version(), projected.eventId(),
								projected.event().typeName(), PAST_A_GAP, applied);
					}
					else {
						applied.events.add(projected);
					}
				}
				this.positions.store(partition, record.offset() + 1);
				return applied;
			});
		}
		catch (RuntimeException failure) {
			if (this.databaseUnavailable.test(failure)) {
				throw failure;
			}
			return this.transactions.execute((status) -> {
				Applied applied = new Applied();
				OrganizationId organization = EventRecords.organizationOf(record);
				if (organization != null) {
					setAside(organization, EventRecords.versionOf(record), EventRecords.eventIdOf(record),
							EventRecords.typeOf(record), describe(failure), applied);
				}
				else {
					logger.error(
							"Skipping a record at {}-{}@{} whose key is no organization id: it cannot be "
									+ "applied ({})",
							record.topic(), record.partition(), record.offset(), describe(failure));
				}
				this.positions.store(partition, record.offset() + 1);
				return applied;
			});
		}
	}

	/** The record's event, or the failure to read it, which fails its transaction. */
	private Parsed parse(ConsumerRecord<String, byte[]> record) {
		CloudEvent cloudEvent = null;
		try {
			cloudEvent = CloudEventRecords.read(record).orElse(null);
			return new Parsed(record, cloudEvent, EventRecords.parse(record, cloudEvent, this.authenticity), null);
		}
		catch (RuntimeException unreadable) {
			return new Parsed(record, cloudEvent, null, unreadable);
		}
	}

	/** The keys of the addresses the poll's events refer to. */
	private static Set<String> keysReferredTo(List<Parsed> records) {
		Set<String> keys = new LinkedHashSet<>();
		for (Parsed parsed : records) {
			if (parsed.failure() == null) {
				parsed.event().flatMap((event) -> PersonalDataProjection.keyOf(event.event())).ifPresent(keys::add);
			}
		}
		return keys;
	}

	/**
	 * A record read ahead of its transaction: its CloudEvents attributes (null if it has
	 * none), read once for the projection and its observation alike; its event (empty if
	 * it is none to apply), or why it could not be read, which fails the transaction that
	 * gets to it, as reading it there would have.
	 */
	record Parsed(ConsumerRecord<String, byte[]> record, CloudEvent cloudEvent, Optional<ProjectedEvent> parsedEvent,
			RuntimeException failure) {

		Optional<ProjectedEvent> event() {
			if (this.failure != null) {
				throw this.failure;
			}
			return this.parsedEvent;
		}

	}

	/**
	 * Whether the organization's events are skipped because it is set aside. The
	 * in-memory set is only a hint: the table decides, so an organization a rebuild has
	 * just released gets its events applied again (and its view reloaded).
	 */
	private boolean isHeldBack(OrganizationId organization, Applied applied) {
		if (applied.setAside.contains(organization)) {
			return true;
		}
		if (!this.view.isSetAside(organization)) {
			return false;
		}
		if (this.quarantine.isSetAside(organization)) {
			return true;
		}
		applied.released.add(organization);
		return false;
	}

	private void setAside(OrganizationId organization, long version, String eventId, String type, String failure,
			Applied applied) {
		applied.setAside.add(organization);
		if (this.quarantine.setAside(organization, version, eventId, type, failure)) {
			logger.error(
					"Set aside organization {} at version {} ({} {}): {}. Its queries answer 503 view_stale "
							+ "until rebuild-projections repairs it; other organizations carry on.",
					organization, version, type, eventId, failure);
		}
	}

	/**
	 * The failure in words for the log and the quarantine table: types and SQL states, no
	 * stack.
	 */
	static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String state = (root instanceof java.sql.SQLException sql && sql.getSQLState() != null)
				? " (SQL state " + sql.getSQLState() + ")" : "";
		String message = (root.getMessage() != null) ? ": " + root.getMessage() : "";
		return TextRules.escape(root.getClass().getSimpleName() + state + message);
	}

	/** What one transaction applied, set aside and found released. */
	private static final class Applied {

		final List<ProjectedEvent> events = new ArrayList<>();

		final Set<OrganizationId> setAside = new LinkedHashSet<>();

		final Set<OrganizationId> released = new LinkedHashSet<>();

		void addAll(Applied other) {
			this.events.addAll(other.events);
			this.setAside.addAll(other.setAside);
			this.released.addAll(other.released);
		}

		/** After the transaction committed. */
		void publishTo(PermissionView view) {
			this.released.forEach(view::release);
			this.events.forEach(view::accept);
			this.setAside.forEach(view::setAside);
		}

	}

}
