package io.membership.query.rebuild;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.Consumer;

import io.membership.query.feed.PartitionLanes;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.ProjectionMigrations;
import io.membership.query.rebuild.TableComparison.TableResult;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * Rebuilds the query side's projections from the start of
 * {@value MembershipTopics#EVENTS} and compares them with the live ones, in three parts:
 * <ol>
 * <li>{@link Replay}: the same {@link MembershipProjection} as the live consumer applies
 * the topic from its first record to the empty tables of a scratch in-memory H2 database
 * made by the query side's own H2 migrations ({@link ScratchDatabase},
 * {@link ProjectionMigrations}). Like the live consumer, it applies only records the
 * service published ({@link RecordMac}); it says how many it refused and logs each.</li>
 * <li>{@link TableComparison}: every {@code qs_*} table but the consumer positions is
 * compared row by row with the live database, by primary key, with values normalised
 * (instants, numbers, text), and the columns that say when the projection ran rather than
 * what the events say ignored.</li>
 * <li>{@link TableReplacement}: the live rows are replaced with the rebuilt ones, and
 * every consumer's position with the offsets replayed to.</li>
 * </ol>
 * This class puts them in order and writes the report:
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
 */
public class ProjectionRebuild {

	private static final int REPORTED_PER_TABLE = 20;

	private final DataSource live;

	private final Supplier<Consumer<String, byte[]>> topic;

	private final Supplier<Consumer<String, byte[]>> personalData;

	private final String consumerName;

	private final RecordMac mac;

	private int lanes = PartitionLanes.DEFAULT;

	/**
	 * @param live the service's database
	 * @param kafkaClient where the brokers are and how to reach them (TLS, SASL), as
	 * every Kafka client of the service is given them
	 * @param consumerName the live consumer's name for its position, which a rebuild sets
	 * (with every other consumer's it finds)
	 * @param mac the service's record keys, to replay only the records it signed
	 */
	public ProjectionRebuild(DataSource live, Map<String, Object> kafkaClient, String consumerName, RecordMac mac) {
		this(live, () -> Replay.consumer(kafkaClient, "membership-rebuild-projections"),
				() -> Replay.personalDataConsumer(kafkaClient, "membership-rebuild-projections-personal-data"),
				consumerName, mac);
	}

	/**
	 * @param topic opens a consumer of the events topic for each run (the tests give an
	 * in-memory topic)
	 * @param personalData opens a consumer of the personal-data topic for each run
	 */
	ProjectionRebuild(DataSource live, Supplier<Consumer<String, byte[]>> topic,
			Supplier<Consumer<String, byte[]>> personalData, String consumerName, RecordMac mac) {
		this.live = live;
		this.topic = topic;
		this.personalData = personalData;
		this.consumerName = consumerName;
		this.mac = mac;
	}

	/**
	 * Replays with this many groups of partitions side by side ({@link PartitionLanes});
	 * as the live consumer's, {@code membership.query.projection.lanes}.
	 */
	public ProjectionRebuild withLanes(int lanes) {
		if (lanes < 1) {
			throw new IllegalArgumentException("A replay needs at least one lane, not " + lanes);
		}
		this.lanes = lanes;
		return this;
	}

	/**
	 * Compares the live projections with a replay of the events they reflect; changes
	 * nothing.
	 */
	public Report verify(PrintStream out) {
		try (Replay replay = new Replay(this.topic.get(), this.personalData.get(), this.mac, this.lanes);
				Connection connection = this.live.getConnection()) {
			connection.setAutoCommit(false);
			connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
			connection.setReadOnly(true);
			try {
				Map<Integer, Long> positions = LiveTables.positions(connection);
				out.println("Replaying " + MembershipTopics.EVENTS + " from the start up to the live positions "
						+ positions + " into a scratch database ...");
				long started = System.nanoTime();
				replay.replayTo(positions);
				replay.personalDataToEnd();
				out.println("Replayed " + replay.replayed() + " events in " + millisSince(started)
						+ " ms. Comparing every projection table:");
				reportRefused(replay, out);
				List<Difference> differences = compare(connection, replay, out);
				summarize(differences, out);
				return new Report(replay.replayed(), positions, differences, false);
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
		try (Replay replay = new Replay(this.topic.get(), this.personalData.get(), this.mac, this.lanes);
				Connection connection = this.live.getConnection()) {
			connection.setAutoCommit(true);
			Map<Integer, Long> before = LiveTables.positions(connection);
			out.println("Replaying " + MembershipTopics.EVENTS + " from the start into a scratch database ...");
			long started = System.nanoTime();
			// Most of the replay happens before the tables are locked, so a running
			// consumer waits only for the events it applied meanwhile.
			replay.replayTo(before);
			connection.setAutoCommit(false);
			try {
				if (LiveTables.isPostgres(connection)) {
					// The embedded default's H2 belongs to one process, stopped for a
					// rebuild.
					out.println("Locking the projection tables (a running consumer waits) ...");
					LiveTables.lock(connection);
				}
				Map<Integer, Long> positions = LiveTables.positions(connection);
				replay.replayTo(positions);
				replay.personalDataToEnd();
				out.println("Replayed " + replay.replayed() + " events in " + millisSince(started)
						+ " ms, up to the live positions " + positions + ". Comparing every projection table:");
				reportRefused(replay, out);
				List<Difference> differences = compare(connection, replay, out);
				summarize(differences, out);
				Map<Integer, Long> end = replay.endOffsets();
				replay.replayTo(end);
				replay.personalDataToEnd();
				TableReplacement.replace(connection, replay.database(), end, replay.personalDataPositions(),
						this.consumerName);
				connection.commit();
				out.println("REBUILT: every projection table now holds the replay of " + replay.replayed()
						+ " events, up to offsets " + end + "; the consumer positions are set there"
						+ (differences.isEmpty() ? "." : " (" + rows(differences.size()) + " repaired)."));
				return new Report(replay.replayed(), end, differences, true);
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

	/** Compares every table, printing each one's counts and its first differences. */
	private static List<Difference> compare(Connection connection, Replay replay, PrintStream out) throws SQLException {
		List<Difference> differences = new ArrayList<>();
		for (TableResult table : TableComparison.compare(connection, replay.database())) {
			List<Difference> found = table.differences();
			out.println("  " + table.table() + ": " + rows(table.liveRows()) + " live, " + table.rebuiltRows()
					+ " rebuilt, " + (found.isEmpty() ? "identical" : found.size() + " differing"));
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

	private static void reportRefused(Replay replay, PrintStream out) {
		long refused = replay.refused();
		if (refused > 0) {
			out.println("  (refused " + ((refused == 1) ? "1 record" : refused + " records")
					+ " without a valid MAC, logged with their positions; they were not replayed)");
		}
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

	private static String rows(long count) {
		return (count == 1) ? "1 row" : count + " rows";
	}

	private static long millisSince(long started) {
		return Duration.ofNanos(System.nanoTime() - started).toMillis();
	}

	/** What a run found and did. */
	public record Report(long replayedEvents, Map<Integer, Long> offsets, List<Difference> differences,
			boolean replaced) {

		public boolean identical() {
			return this.differences.isEmpty();
		}

	}

}
