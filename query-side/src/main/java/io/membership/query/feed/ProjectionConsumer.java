package io.membership.query.feed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.events.MembershipEvent;
import io.membership.events.ids.OrganizationId;
import io.membership.events.json.MembershipJson;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.OrganizationQuarantine;
import io.membership.query.projection.ProjectedEvent;
import io.membership.query.view.PermissionView;
import io.membership.topics.MembershipTopics;

/**
 * Feeds the query side from {@code membership.events.v1}, the same stream downstream
 * services read. Each poll is applied in one database transaction together with this
 * consumer's position in every partition, so a crash neither loses nor double-applies an
 * event; the in-memory permission view follows once the transaction has committed.
 *
 * <p>
 * It reads every partition itself (no consumer-group rebalancing): each instance's
 * in-memory view must see every organization. Several instances sharing one database each
 * keep their own position, and the projection's per-organization version makes the second
 * writer of an event a no-op.
 *
 * <p>
 * One event that cannot be applied must not stop the query side for every organization. A
 * poll is applied in one transaction; if that fails for any reason but an unreachable
 * database, its records are applied again one transaction each, and an organization whose
 * event still fails (or arrives past a gap) is set aside in
 * {@link OrganizationQuarantine}: its queries and checks answer 503 {@code view_stale},
 * its later events are skipped, it is logged once and counted, and a rebuild repairs it.
 * Every other organization carries on.
 */
public class ProjectionConsumer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ProjectionConsumer.class);

	private static final Duration QUARANTINE_CHECK_INTERVAL = Duration.ofSeconds(5);

	private final Properties properties = new Properties();

	private final String consumerName;

	private final MembershipProjection projection;

	private final PermissionView view;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final OrganizationQuarantine quarantine;

	private final AuthenticRecords authenticity;

	private final Predicate<Throwable> databaseUnavailable;

	private long nextQuarantineCheck;

	private volatile Consumer<String, byte[]> consumer;

	private volatile Thread thread;

	private volatile boolean running;

	/**
	 * @param kafkaClient where the brokers are and how to reach them (TLS, SASL), as
	 * every Kafka client of the service is given them
	 * @param consumerName this instance's name for its position in the topic; instances
	 * sharing a database must each have their own
	 * @param databaseUnavailable whether a failure means the database cannot be reached
	 * right now, which is waited out, never blamed on an organization: the service's one
	 * definition, which also answers such requests 503
	 */
	public ProjectionConsumer(Map<String, Object> kafkaClient, String consumerName, MembershipProjection projection,
			OrganizationQuarantine quarantine, PermissionView view, JdbcClient jdbc, TransactionTemplate transactions,
			AuthenticRecords authenticity, Predicate<Throwable> databaseUnavailable) {
		this.properties.putAll(kafkaClient);
		this.properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		this.properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
		this.properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "membership-query-" + consumerName);
		this.consumerName = consumerName;
		this.projection = projection;
		this.quarantine = quarantine;
		this.view = view;
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.authenticity = authenticity;
		this.databaseUnavailable = databaseUnavailable;
	}

	@Override
	public synchronized void start() {
		this.view.loadAll();
		this.consumer = new KafkaConsumer<>(this.properties, new StringDeserializer(), new ByteArrayDeserializer());
		this.running = true;
		this.thread = new Thread(this::run, "query-projection");
		this.thread.start();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.consumer != null) {
			this.consumer.wakeup();
		}
		if (this.thread != null) {
			try {
				this.thread.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Follows the topic until stopped. A failure (Kafka unreachable at start, a database
	 * error) never ends the loop: it starts again from the last committed positions.
	 */
	private void run() {
		try (Consumer<String, byte[]> kafka = this.consumer) {
			while (this.running) {
				try {
					follow(kafka);
				}
				catch (WakeupException stopping) {
					return;
				}
				catch (RuntimeException ex) {
					if (this.databaseUnavailable.test(ex)) {
						logger.warn("The database is unavailable; starting again from the last committed position: {}",
								ex.getMessage());
					}
					else {
						logger.error("The query-side consumer failed; starting again from the last committed position",
								ex);
					}
					pause();
				}
			}
		}
		finally {
			this.running = false;
		}
	}

	private void follow(Consumer<String, byte[]> kafka) {
		List<TopicPartition> partitions = kafka.partitionsFor(MembershipTopics.EVENTS)
			.stream()
			.map((info) -> new TopicPartition(info.topic(), info.partition()))
			.toList();
		kafka.assign(partitions);
		seekToStoredPositions(kafka, partitions);
		while (this.running) {
			ConsumerRecords<String, byte[]> records = kafka.poll(Duration.ofMillis(500));
			if (!records.isEmpty()) {
				apply(records);
			}
			releaseRepairedOrganizations();
		}
	}

	/**
	 * Applies a poll in one transaction; if that fails for any reason but an unreachable
	 * database, one record a transaction, setting aside the organizations whose events
	 * still fail. The permission view follows what committed.
	 */
	private void apply(ConsumerRecords<String, byte[]> records) {
		Applied applied;
		try {
			applied = this.transactions.execute((status) -> applyTogether(records));
		}
		catch (RuntimeException ex) {
			if (this.databaseUnavailable.test(ex)) {
				throw ex;
			}
			logger.warn("A poll of {} records could not be applied in one transaction; applying them one by one "
					+ "to set aside the organization at fault", records.count());
			applied = new Applied();
			for (ConsumerRecord<String, byte[]> record : records) {
				applied.addAll(applyAlone(record));
			}
		}
		applied.publishTo(this.view);
	}

	private Applied applyTogether(ConsumerRecords<String, byte[]> records) {
		Applied applied = new Applied();
		List<ProjectedEvent> events = new ArrayList<>();
		Map<TopicPartition, Long> positions = new HashMap<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			parse(record).filter((event) -> !isHeldBack(event.organizationId(), applied)).ifPresent(events::add);
			positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
		}
		List<MembershipProjection.Outcome> outcomes = this.projection.applyAll(events);
		for (int i = 0; i < events.size(); i++) {
			ProjectedEvent event = events.get(i);
			if (outcomes.get(i) == MembershipProjection.Outcome.GAP) {
				setAside(event.organizationId(), event.version(), event.eventId(), event.event().typeName(),
						"arrived past a gap in the organization's versions", applied);
			}
			else {
				applied.events.add(event);
			}
		}
		positions.forEach(this::storePosition);
		return applied;
	}

	/**
	 * One record in a transaction of its own; if it fails for any reason but an
	 * unreachable database, its organization is set aside in another.
	 */
	private Applied applyAlone(ConsumerRecord<String, byte[]> record) {
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		try {
			return this.transactions.execute((status) -> {
				Applied applied = new Applied();
				Optional<ProjectedEvent> event = parse(record)
					.filter((parsed) -> !isHeldBack(parsed.organizationId(), applied));
				if (event.isPresent()) {
					ProjectedEvent projected = event.get();
					if (this.projection.apply(projected) == MembershipProjection.Outcome.GAP) {
						setAside(projected.organizationId(), projected.version(), projected.eventId(),
								projected.event().typeName(), "arrived past a gap in the organization's versions",
								applied);
					}
					else {
						applied.events.add(projected);
					}
				}
				storePosition(partition, record.offset() + 1);
				return applied;
			});
		}
		catch (RuntimeException failure) {
			if (this.databaseUnavailable.test(failure)) {
				throw failure;
			}
			return this.transactions.execute((status) -> {
				Applied applied = new Applied();
				OrganizationId organization = organizationOf(record);
				if (organization != null) {
					setAside(organization, versionOf(record), eventIdOf(record), typeOf(record), describe(failure),
							applied);
				}
				else {
					logger.error(
							"Skipping a record at {}-{}@{} whose key is no organization id: it cannot be "
									+ "applied ({})",
							record.topic(), record.partition(), record.offset(), describe(failure));
				}
				storePosition(partition, record.offset() + 1);
				return applied;
			});
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
	 * Every few seconds while organizations are set aside: releases those a rebuild has
	 * repaired (their rows are gone from the table), even if no event of theirs arrives.
	 */
	private void releaseRepairedOrganizations() {
		Set<OrganizationId> setAside = this.view.setAside();
		if (setAside.isEmpty() || System.nanoTime() - this.nextQuarantineCheck < 0) {
			return;
		}
		this.nextQuarantineCheck = System.nanoTime() + QUARANTINE_CHECK_INTERVAL.toNanos();
		Set<OrganizationId> stillSetAside = this.quarantine.all();
		for (OrganizationId organization : setAside) {
			if (!stillSetAside.contains(organization)) {
				logger.info("Organization {} was repaired; answering its queries again", organization);
				this.view.release(organization);
			}
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
		return withControlsEscaped(root.getClass().getSimpleName() + state + message);
	}

	private static String withControlsEscaped(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		text.codePoints().forEach((codePoint) -> {
			if (Character.isISOControl(codePoint) || Character.getType(codePoint) == Character.FORMAT
					|| Character.getType(codePoint) == Character.SURROGATE) {
				escaped.append(String.format("\\u%04x", codePoint));
			}
			else {
				escaped.appendCodePoint(codePoint);
			}
		});
		return escaped.toString();
	}

	private static OrganizationId organizationOf(ConsumerRecord<String, byte[]> record) {
		try {
			return (record.key() != null) ? new OrganizationId(record.key()) : null;
		}
		catch (IllegalArgumentException notAnOrganizationId) {
			return null;
		}
	}

	private static long versionOf(ConsumerRecord<String, byte[]> record) {
		try {
			return Long.parseLong(header(record, "ce_orgversion"));
		}
		catch (RuntimeException unreadable) {
			return 0;
		}
	}

	private static String eventIdOf(ConsumerRecord<String, byte[]> record) {
		String id = header(record, "ce_id");
		return (id != null && id.length() <= 64) ? id : "unknown";
	}

	private static String typeOf(ConsumerRecord<String, byte[]> record) {
		String type = header(record, "ce_type");
		Optional<Class<? extends MembershipEvent>> known = (type != null) ? MembershipEvent.typeNamed(type)
				: Optional.empty();
		return known.map(Class::getSimpleName).orElse("unknown");
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

	private Optional<ProjectedEvent> parse(ConsumerRecord<String, byte[]> record) {
		return parse(record, this.authenticity);
	}

	/**
	 * The event a record carries, or empty for a record the service did not publish (no
	 * valid MAC) or a type this version does not know (also what a rebuild replays).
	 */
	public static Optional<ProjectedEvent> parse(ConsumerRecord<String, byte[]> record, AuthenticRecords authenticity) {
		if (!authenticity.accepts(record)) {
			return Optional.empty();
		}
		String type = header(record, "ce_type");
		Optional<Class<? extends MembershipEvent>> eventClass = (type != null) ? MembershipEvent.typeNamed(type)
				: Optional.empty();
		if (eventClass.isEmpty()) {
			// A type this version does not know: the organization's next event will show
			// up as a gap, recorded and reported, rather than being applied past it.
			logger.error("Unknown event type {} at {}-{}@{}", type, record.topic(), record.partition(),
					record.offset());
			return Optional.empty();
		}
		MembershipEvent event = MembershipJson.mapper().readValue(record.value(), eventClass.get());
		return Optional
			.of(new ProjectedEvent(event, Long.parseLong(header(record, "ce_orgversion")), header(record, "ce_id")));
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private void seekToStoredPositions(Consumer<String, byte[]> kafka, List<TopicPartition> partitions) {
		Map<Integer, Long> stored = new HashMap<>();
		this.jdbc
			.sql("SELECT partition_id, next_offset FROM qs_consumer_positions WHERE consumer_name = ? AND topic = ?")
			.params(this.consumerName, MembershipTopics.EVENTS)
			.query((row) -> {
				stored.put(row.getInt(1), row.getLong(2));
			});
		for (TopicPartition partition : partitions) {
			Long offset = stored.get(partition.partition());
			if (offset != null) {
				kafka.seek(partition, offset);
			}
			else {
				kafka.seekToBeginning(List.of(partition));
			}
		}
	}

	private void storePosition(TopicPartition partition, long nextOffset) {
		int updated = this.jdbc
			.sql("UPDATE qs_consumer_positions SET next_offset = ? WHERE consumer_name = ? AND topic = ? "
					+ "AND partition_id = ?")
			.params(nextOffset, this.consumerName, partition.topic(), partition.partition())
			.update();
		if (updated == 0) {
			this.jdbc
				.sql("INSERT INTO qs_consumer_positions (consumer_name, topic, partition_id, next_offset) "
						+ "VALUES (?, ?, ?, ?)")
				.params(this.consumerName, partition.topic(), partition.partition(), nextOffset)
				.update();
		}
	}

	private void pause() {
		try {
			Thread.sleep(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

}
