package io.membership.query.rebuild;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.query.feed.AuthenticRecords;
import io.membership.query.feed.ProjectionConsumer;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.ProjectedEvent;
import io.membership.query.projection.ProjectionMigrations;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Rebuilds the query side's projections from the start of
 * {@value MembershipTopics#EVENTS} and compares them with the live ones.
 *
 * <p>
 * The replay runs the same {@link MembershipProjection} as the live consumer, into the
 * empty tables of a scratch in-memory H2 database migrated with the query side's own H2
 * migrations ({@link ProjectionMigrations}). Every {@code qs_*} table but the consumer
 * positions is then compared row by row with the live database, by primary key, with
 * values normalised (instants, numbers, text), and
 * {@code qs_projection_gaps.detected_at}, the moment a gap was seen, ignored.
 * <ul>
 * <li>{@link #verify} compares the live tables with a replay of exactly the events they
 * reflect: it reads the live consumer positions and the tables in one repeatable-read
 * transaction and replays up to those positions, so it may run while the service
 * does.</li>
 * <li>{@link #rebuild} does the same comparison (to report what it repairs), replays on
 * to the topic's current end and, in one transaction, replaces every projection table's
 * rows with the rebuilt ones and sets every consumer's position to the end it replayed
 * to. On PostgreSQL it first locks the projection tables, so a running consumer waits and
 * then finds its events applied; the running instances' in-memory permission views are
 * loaded at start only, so restart them (or stop the service before rebuilding).</li>
 * </ul>
 * Like the live consumer, the replay applies only records the service published
 * ({@link RecordMac}); it says how many it refused and logs each.
 */
public class ProjectionRebuild {

	static final String POSITIONS_TABLE = "qs_consumer_positions";

	/** Columns that record when the projection ran rather than what the events say. */
	static final Set<String> IGNORED_COLUMNS = Set.of("qs_projection_gaps.detected_at",
			"qs_quarantined_organizations.quarantined_at");

	private static final int REPORTED_PER_TABLE = 20;

	private static final Duration STALL = Duration.ofSeconds(60);

	private final DataSource live;

	private final Properties kafka = new Properties();

	private final String consumerName;

	private final RecordMac mac;

	/**
	 * @param live the service's database
	 * @param kafkaClient where the brokers are and how to reach them (TLS, SASL), as
	 * every Kafka client of the service is given them
	 * @param consumerName the live consumer's name for its position, which a rebuild sets
	 * (with every other consumer's it finds)
	 * @param mac the service's record keys, to replay only the records it signed
	 */
	public ProjectionRebuild(DataSource live, Map<String, Object> kafkaClient, String consumerName, RecordMac mac) {
		this.live = live;
		this.mac = mac;
		this.kafka.putAll(kafkaClient);
		this.kafka.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		this.kafka.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
		this.kafka.put(ConsumerConfig.CLIENT_ID_CONFIG, "membership-rebuild-projections");
		this.consumerName = consumerName;
	}

	/**
	 * Compares the live projections with a replay of the events they reflect; changes
	 * nothing.
	 */
	public Report verify(PrintStream out) {
		try (Scratch scratch = new Scratch(); Connection connection = this.live.getConnection()) {
			connection.setAutoCommit(false);
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			connection.setReadOnly(true);
			try {
				Map<Integer, Long> positions = livePositions(connection);
				out.println("Replaying " + MembershipTopics.EVENTS + " from the start up to the live positions "
						+ positions + " into a scratch database ...");
				long started = System.nanoTime();
				scratch.replayTo(positions);
				out.println("Replayed " + scratch.replayed() + " events in " + millisSince(started)
						+ " ms. Comparing every projection table:");
				reportRefused(scratch, out);
				List<Difference> differences = compare(connection, scratch, out);
				summarize(differences, out);
				return new Report(scratch.replayed(), positions, differences, false);
			}
			finally {
				connection.rollback();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the live projections: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Replaces the live projections with a replay of the whole topic, reporting what
	 * differed first.
	 */
	public Report rebuild(PrintStream out) {
		try (Scratch scratch = new Scratch(); Connection connection = this.live.getConnection()) {
			Map<Integer, Long> before;
			connection.setAutoCommit(true);
			before = livePositions(connection);
			out.println("Replaying " + MembershipTopics.EVENTS + " from the start into a scratch database ...");
			long started = System.nanoTime();
			scratch.replayTo(before);
			connection.setAutoCommit(false);
			try {
				lockProjections(connection, out);
				Map<Integer, Long> positions = livePositions(connection);
				scratch.replayTo(positions);
				out.println("Replayed " + scratch.replayed() + " events in " + millisSince(started)
						+ " ms, up to the live positions " + positions + ". Comparing every projection table:");
				reportRefused(scratch, out);
				List<Difference> differences = compare(connection, scratch, out);
				summarize(differences, out);
				Map<Integer, Long> end = scratch.endOffsets();
				scratch.replayTo(end);
				replace(connection, scratch, end);
				connection.commit();
				out.println("REBUILT: every projection table now holds the replay of " + scratch.replayed()
						+ " events, up to offsets " + end + "; the consumer positions are set there"
						+ (differences.isEmpty() ? "." : " (" + rows(differences.size()) + " repaired)."));
				return new Report(scratch.replayed(), end, differences, true);
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot rebuild the live projections: " + ex.getMessage(), ex);
		}
	}

	private static void reportRefused(Scratch scratch, PrintStream out) {
		long refused = scratch.authenticity.refused();
		if (refused > 0) {
			out.println("  (refused " + ((refused == 1) ? "1 record" : refused + " records")
					+ " without a valid MAC, logged with their positions; they were not replayed)");
		}
	}

	private static String rows(long count) {
		return (count == 1) ? "1 row" : count + " rows";
	}

	private static long millisSince(long started) {
		return Duration.ofNanos(System.nanoTime() - started).toMillis();
	}

	/**
	 * For each partition, the furthest any consumer has got: instances sharing the
	 * database each keep a position, and the tables reflect every event below the
	 * furthest.
	 */
	private static Map<Integer, Long> livePositions(Connection connection) throws SQLException {
		Map<Integer, Long> positions = new TreeMap<>();
		try (PreparedStatement select = connection.prepareStatement("SELECT partition_id, MAX(next_offset) FROM "
				+ POSITIONS_TABLE + " WHERE topic = ? GROUP BY partition_id")) {
			select.setString(1, MembershipTopics.EVENTS);
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					positions.put(rows.getInt(1), rows.getLong(2));
				}
			}
		}
		return positions;
	}

	/**
	 * Makes a running consumer wait until the rebuild commits. Every consumer transaction
	 * writes {@code qs_organizations} first, so it is locked first.
	 */
	private void lockProjections(Connection connection, PrintStream out) throws SQLException {
		if (!isPostgres(connection)) {
			return;
		}
		List<String> tables = new ArrayList<>(projectionTables(connection));
		tables.sort(Comparator.comparing((String table) -> !table.equals("qs_organizations")));
		tables.add(POSITIONS_TABLE);
		out.println("Locking the projection tables (a running consumer waits) ...");
		try (Statement lock = connection.createStatement()) {
			lock.execute("LOCK TABLE " + String.join(", ", tables) + " IN EXCLUSIVE MODE");
		}
	}

	private static boolean isPostgres(Connection connection) throws SQLException {
		return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
	}

	/** Every projection table of the live database but the consumer positions. */
	static List<String> projectionTables(Connection connection) throws SQLException {
		Set<String> tables = new java.util.TreeSet<>();
		try (ResultSet rows = connection.getMetaData()
			.getTables(connection.getCatalog(), connection.getSchema(), "%", new String[] { "TABLE" })) {
			while (rows.next()) {
				String name = rows.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
				if (name.startsWith("qs_") && !name.equals(POSITIONS_TABLE)) {
					tables.add(name);
				}
			}
		}
		return new ArrayList<>(tables);
	}

	private List<Difference> compare(Connection connection, Scratch scratch, PrintStream out) throws SQLException {
		List<Difference> differences = new ArrayList<>();
		for (String table : projectionTables(connection)) {
			TableShape shape = TableShape.of(connection, table);
			List<Difference> found = new ArrayList<>();
			long[] counts = new long[2];
			try (PreparedStatement liveSelect = connection.prepareStatement(shape.select(isPostgres(connection)));
					PreparedStatement scratchSelect = scratch.connection().prepareStatement(shape.select(false))) {
				liveSelect.setFetchSize(1000);
				try (ResultSet liveRows = liveSelect.executeQuery();
						ResultSet rebuiltRows = scratchSelect.executeQuery()) {
					Row left = shape.next(liveRows);
					Row right = shape.next(rebuiltRows);
					while (left != null || right != null) {
						int order = (left == null) ? 1 : (right == null) ? -1 : compareKeys(left.key(), right.key());
						if (order < 0) {
							counts[0]++;
							found.add(new Difference(table, shape.describeKey(left),
									"only in the live table: " + shape.describeValues(left)));
							left = shape.next(liveRows);
						}
						else if (order > 0) {
							counts[1]++;
							found.add(new Difference(table, shape.describeKey(right),
									"missing from the live table: " + shape.describeValues(right)));
							right = shape.next(rebuiltRows);
						}
						else {
							counts[0]++;
							counts[1]++;
							String changed = shape.differences(left, right);
							if (!changed.isEmpty()) {
								found.add(new Difference(table, shape.describeKey(left), changed));
							}
							left = shape.next(liveRows);
							right = shape.next(rebuiltRows);
						}
					}
				}
			}
			out.println("  " + table + ": " + rows(counts[0]) + " live, " + counts[1] + " rebuilt, "
					+ (found.isEmpty() ? "identical" : found.size() + " differing"));
			found.stream()
				.limit(REPORTED_PER_TABLE)
				.forEach((difference) -> out.println("    " + difference.key() + " " + difference.what()));
			if (found.size() > REPORTED_PER_TABLE) {
				out.println("    ... and " + (found.size() - REPORTED_PER_TABLE) + " more");
			}
			differences.addAll(found);
		}
		return differences;
	}

	private static void summarize(List<Difference> differences, PrintStream out) {
		if (differences.isEmpty()) {
			out.println("IDENTICAL: the live projections are exactly what the replay gives");
		}
		else {
			Map<String, Long> byTable = differences.stream()
				.collect(Collectors.groupingBy(Difference::table, TreeMap::new, Collectors.counting()));
			out.println(
					"DIFFERENT: " + ((differences.size() == 1) ? "1 row differs" : differences.size() + " rows differ")
							+ " from the replay " + byTable);
		}
	}

	/**
	 * Deletes every live projection row, copies the rebuilt ones in, and sets every
	 * consumer's position to the offsets replayed to.
	 */
	private void replace(Connection connection, Scratch scratch, Map<Integer, Long> end) throws SQLException {
		for (String table : projectionTables(connection)) {
			TableShape shape = TableShape.of(connection, table);
			try (Statement delete = connection.createStatement()) {
				delete.executeUpdate("DELETE FROM " + table);
			}
			try (PreparedStatement select = scratch.connection().prepareStatement(shape.select(false));
					ResultSet rows = select.executeQuery();
					PreparedStatement insert = connection.prepareStatement(shape.insert())) {
				int batched = 0;
				for (Row row = shape.next(rows); row != null; row = shape.next(rows)) {
					shape.bind(insert, row);
					insert.addBatch();
					if (++batched % 1000 == 0) {
						insert.executeBatch();
					}
				}
				insert.executeBatch();
			}
		}
		Set<String> consumers = new LinkedHashSet<>();
		consumers.add(this.consumerName);
		try (Statement select = connection.createStatement();
				ResultSet rows = select.executeQuery("SELECT DISTINCT consumer_name FROM " + POSITIONS_TABLE)) {
			while (rows.next()) {
				consumers.add(rows.getString(1));
			}
		}
		try (PreparedStatement delete = connection
			.prepareStatement("DELETE FROM " + POSITIONS_TABLE + " WHERE topic = ?")) {
			delete.setString(1, MembershipTopics.EVENTS);
			delete.executeUpdate();
		}
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + POSITIONS_TABLE
				+ " (consumer_name, topic, partition_id, next_offset) VALUES (?, ?, ?, ?)")) {
			for (String consumer : consumers) {
				for (Map.Entry<Integer, Long> position : end.entrySet()) {
					insert.setString(1, consumer);
					insert.setString(2, MembershipTopics.EVENTS);
					insert.setInt(3, position.getKey());
					insert.setLong(4, position.getValue());
					insert.addBatch();
				}
			}
			insert.executeBatch();
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	static int compareKeys(List<Object> one, List<Object> other) {
		for (int i = 0; i < one.size(); i++) {
			Object a = one.get(i);
			Object b = other.get(i);
			if (a == null || b == null) {
				if (a != b) {
					return (a == null) ? -1 : 1;
				}
				continue;
			}
			int order = ((Comparable) a).compareTo(b);
			if (order != 0) {
				return order;
			}
		}
		return 0;
	}

	/** What a run found and did. */
	public record Report(long replayedEvents, Map<Integer, Long> offsets, List<Difference> differences,
			boolean replaced) {

		public boolean identical() {
			return this.differences.isEmpty();
		}

	}

	/** One row that is not what the replay gives. */
	public record Difference(String table, String key, String what) {
	}

	/** One row, its primary key and its other values, normalised. */
	record Row(List<Object> key, List<Object> values) {
	}

	/**
	 * A table's columns, as the live database has them: the primary key, the rest, and
	 * how to read each so that PostgreSQL's and H2's values compare.
	 */
	record TableShape(String table, List<String> keys, List<String> columns, Map<String, Integer> types) {

		static TableShape of(Connection connection, String table) throws SQLException {
			DatabaseMetaData metadata = connection.getMetaData();
			String name = storedName(metadata, table);
			Map<String, Integer> types = new java.util.LinkedHashMap<>();
			try (ResultSet rows = metadata.getColumns(connection.getCatalog(), connection.getSchema(), name, "%")) {
				while (rows.next()) {
					types.put(rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rows.getInt("DATA_TYPE"));
				}
			}
			Map<Integer, String> keyColumns = new TreeMap<>();
			try (ResultSet rows = metadata.getPrimaryKeys(connection.getCatalog(), connection.getSchema(), name)) {
				while (rows.next()) {
					keyColumns.put(rows.getInt("KEY_SEQ"), rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
				}
			}
			List<String> keys = keyColumns.isEmpty() ? new ArrayList<>(types.keySet())
					: new ArrayList<>(keyColumns.values());
			List<String> columns = types.keySet().stream().filter((column) -> !keys.contains(column)).toList();
			return new TableShape(table, keys, columns, types);
		}

		private static String storedName(DatabaseMetaData metadata, String table) throws SQLException {
			return metadata.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
		}

		String select(boolean postgres) {
			String order = this.keys.stream()
				.map((key) -> (postgres && isText(this.types.get(key))) ? key + " COLLATE \"C\"" : key)
				.collect(Collectors.joining(", "));
			return "SELECT " + String.join(", ", all()) + " FROM " + this.table + " ORDER BY " + order;
		}

		String insert() {
			return "INSERT INTO " + this.table + " (" + String.join(", ", all()) + ") VALUES ("
					+ all().stream().map((column) -> "?").collect(Collectors.joining(", ")) + ")";
		}

		List<String> all() {
			List<String> all = new ArrayList<>(this.keys);
			all.addAll(this.columns);
			return all;
		}

		Row next(ResultSet rows) throws SQLException {
			if (!rows.next()) {
				return null;
			}
			List<Object> key = new ArrayList<>();
			List<Object> values = new ArrayList<>();
			int index = 1;
			for (String column : this.keys) {
				key.add(read(rows, index++, this.types.get(column)));
			}
			for (String column : this.columns) {
				values.add(read(rows, index++, this.types.get(column)));
			}
			return new Row(key, values);
		}

		void bind(PreparedStatement insert, Row row) throws SQLException {
			int index = 1;
			for (int i = 0; i < this.keys.size(); i++) {
				write(insert, index++, row.key().get(i), this.types.get(this.keys.get(i)));
			}
			for (int i = 0; i < this.columns.size(); i++) {
				write(insert, index++, row.values().get(i), this.types.get(this.columns.get(i)));
			}
		}

		/** The columns whose values differ, or empty. */
		String differences(Row live, Row rebuilt) {
			List<String> changed = new ArrayList<>();
			for (int i = 0; i < this.columns.size(); i++) {
				String column = this.columns.get(i);
				if (IGNORED_COLUMNS.contains(this.table + "." + column)) {
					continue;
				}
				if (!same(live.values().get(i), rebuilt.values().get(i))) {
					changed.add(column + ": live " + show(live.values().get(i)) + ", rebuilt "
							+ show(rebuilt.values().get(i)));
				}
			}
			return String.join("; ", changed);
		}

		String describeKey(Row row) {
			List<String> parts = new ArrayList<>();
			for (int i = 0; i < this.keys.size(); i++) {
				Object value = row.key().get(i);
				parts.add(this.keys.get(i) + "="
						+ ((value instanceof BigDecimal number) ? number.toPlainString() : value));
			}
			return "(" + String.join(", ", parts) + ")";
		}

		String describeValues(Row row) {
			List<String> parts = new ArrayList<>();
			for (int i = 0; i < this.columns.size(); i++) {
				parts.add(this.columns.get(i) + "=" + show(row.values().get(i)));
			}
			return String.join(", ", parts);
		}

		private static boolean same(Object live, Object rebuilt) {
			if (live instanceof Instant a && rebuilt instanceof Instant b) {
				// PostgreSQL and H2 both keep microseconds of nanosecond instants.
				return Duration.between(a, b).abs().compareTo(Duration.ofNanos(1000)) <= 0;
			}
			if (live instanceof BigDecimal a && rebuilt instanceof BigDecimal b) {
				return a.compareTo(b) == 0;
			}
			return Objects.equals(live, rebuilt);
		}

		private static String show(Object value) {
			if (value instanceof BigDecimal number) {
				return number.toPlainString();
			}
			return (value instanceof String text) ? "'" + text + "'" : String.valueOf(value);
		}

		private static boolean isText(Integer type) {
			return type != null && (type == Types.VARCHAR || type == Types.CHAR || type == Types.LONGVARCHAR
					|| type == Types.NVARCHAR || type == Types.NCHAR || type == Types.CLOB || type == Types.NCLOB);
		}

		private static Object read(ResultSet rows, int index, int type) throws SQLException {
			switch (type) {
				case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
					Timestamp timestamp = rows.getTimestamp(index);
					return (timestamp != null) ? timestamp.toInstant() : null;
				}
				case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
					long value = rows.getLong(index);
					return rows.wasNull() ? null : value;
				}
				case Types.NUMERIC, Types.DECIMAL -> {
					BigDecimal number = rows.getBigDecimal(index);
					return (number != null) ? number.stripTrailingZeros() : null;
				}
				case Types.BOOLEAN, Types.BIT -> {
					boolean value = rows.getBoolean(index);
					return rows.wasNull() ? null : value;
				}
				default -> {
					return rows.getString(index);
				}
			}
		}

		private static void write(PreparedStatement insert, int index, Object value, int type) throws SQLException {
			if (value == null) {
				insert.setNull(index, type);
			}
			else if (value instanceof Instant instant) {
				insert.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
			}
			else if (value instanceof Long number) {
				if (type == Types.BIGINT) {
					insert.setLong(index, number);
				}
				else {
					insert.setInt(index, Math.toIntExact(number));
				}
			}
			else if (value instanceof BigDecimal number) {
				insert.setBigDecimal(index, number);
			}
			else if (value instanceof Boolean bool) {
				insert.setBoolean(index, bool);
			}
			else {
				insert.setString(index, value.toString());
			}
		}

	}

	/**
	 * The in-memory H2 database the replay goes into, with the query side's own H2
	 * migrations, and the Kafka consumer that reads the topic from its start.
	 */
	private final class Scratch implements AutoCloseable {

		private final SingleConnectionDataSource dataSource;

		private final MembershipProjection projection;

		private final TransactionTemplate transactions;

		private final Consumer<String, byte[]> consumer;

		private final Map<TopicPartition, Long> next = new HashMap<>();

		private final AuthenticRecords authenticity = new AuthenticRecords(ProjectionRebuild.this.mac,
				new SimpleMeterRegistry());

		private long replayed;

		Scratch() {
			this.dataSource = new SingleConnectionDataSource(
					"jdbc:h2:mem:rebuild_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa",
					"", true);
			Flyway.configure()
				.dataSource(this.dataSource)
				.locations(ProjectionMigrations.H2)
				.loggers("slf4j")
				.load()
				.migrate();
			this.projection = new MembershipProjection(JdbcClient.create(this.dataSource));
			this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
			this.consumer = new KafkaConsumer<>(ProjectionRebuild.this.kafka, new StringDeserializer(),
					new ByteArrayDeserializer());
			List<TopicPartition> partitions = this.consumer.partitionsFor(MembershipTopics.EVENTS, STALL)
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			this.consumer.assign(partitions);
			this.consumer.beginningOffsets(partitions).forEach((partition, first) -> {
				if (first > 0) {
					throw new IllegalStateException(MembershipTopics.EVENTS + " partition " + partition.partition()
							+ " no longer starts at offset 0 (its first record is at " + first
							+ "): events were deleted from it, and a replay would be incomplete");
				}
				this.next.put(partition, 0L);
			});
		}

		Connection connection() {
			try {
				return this.dataSource.getConnection();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

		long replayed() {
			return this.replayed;
		}

		Map<Integer, Long> endOffsets() {
			Map<Integer, Long> end = new TreeMap<>();
			this.consumer.endOffsets(this.next.keySet(), STALL)
				.forEach((partition, offset) -> end.put(partition.partition(), offset));
			return end;
		}

		/**
		 * Applies every record below the target offset of its partition (a partition not
		 * named stays where it is).
		 */
		void replayTo(Map<Integer, Long> target) {
			Map<TopicPartition, Long> goal = new HashMap<>();
			for (TopicPartition partition : this.next.keySet()) {
				long offset = target.getOrDefault(partition.partition(), this.next.get(partition));
				if (offset < this.next.get(partition)) {
					throw new IllegalStateException("The live position " + offset + " in partition "
							+ partition.partition() + " went back while rebuilding");
				}
				goal.put(partition, offset);
			}
			for (Integer partition : target.keySet()) {
				if (goal.keySet().stream().noneMatch((known) -> known.partition() == partition)) {
					throw new IllegalStateException("The live projections have a position in partition " + partition
							+ " of " + MembershipTopics.EVENTS + ", which the topic does not have");
				}
			}
			Map<TopicPartition, Long> end = this.consumer.endOffsets(goal.keySet(), STALL);
			goal.forEach((partition, offset) -> {
				if (offset > end.get(partition)) {
					throw new IllegalStateException("The live position " + offset + " in partition "
							+ partition.partition() + " is beyond the end of " + MembershipTopics.EVENTS + " ("
							+ end.get(partition) + "): the topic was recreated; rebuild to start the views over");
				}
			});
			Set<TopicPartition> pending = goal.keySet()
				.stream()
				.filter((partition) -> this.next.get(partition) < goal.get(partition))
				.collect(Collectors.toCollection(LinkedHashSet::new));
			this.consumer.pause(this.next.keySet());
			for (TopicPartition partition : pending) {
				this.consumer.seek(partition, this.next.get(partition));
			}
			this.consumer.resume(pending);
			Instant lastProgress = Instant.now();
			while (!pending.isEmpty()) {
				ConsumerRecords<String, byte[]> records = this.consumer.poll(Duration.ofMillis(500));
				if (!records.isEmpty()) {
					lastProgress = Instant.now();
					this.transactions.executeWithoutResult((status) -> apply(records, goal));
				}
				else if (Duration.between(lastProgress, Instant.now()).compareTo(STALL) > 0) {
					throw new IllegalStateException("Kafka delivered nothing for " + STALL.toSeconds()
							+ " s while partitions " + pending + " were still short of " + goal);
				}
				for (TopicPartition partition : List.copyOf(pending)) {
					long position = this.consumer.position(partition);
					if (position >= goal.get(partition)) {
						this.next.put(partition, goal.get(partition));
						this.consumer.seek(partition, goal.get(partition));
						this.consumer.pause(List.of(partition));
						pending.remove(partition);
					}
				}
			}
		}

		private void apply(ConsumerRecords<String, byte[]> records, Map<TopicPartition, Long> goal) {
			for (ConsumerRecord<String, byte[]> record : records) {
				TopicPartition partition = new TopicPartition(record.topic(), record.partition());
				if (record.offset() < this.next.get(partition) || record.offset() >= goal.get(partition)) {
					continue;
				}
				Optional<ProjectedEvent> event = ProjectionConsumer.parse(record, this.authenticity);
				event.ifPresent((projected) -> {
					this.projection.apply(projected);
					this.replayed++;
				});
				this.next.put(partition, record.offset() + 1);
			}
		}

		@Override
		public void close() {
			this.consumer.close(Duration.ofSeconds(5));
			try (Statement shutdown = this.dataSource.getConnection().createStatement()) {
				shutdown.execute("SHUTDOWN");
			}
			catch (SQLException ex) {
				// Gone with the JVM anyway.
			}
			this.dataSource.destroy();
		}

	}

}
