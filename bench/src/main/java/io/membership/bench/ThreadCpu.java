package io.membership.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a process's CPU went, by the role of its threads: each thread's user and system
 * time from {@code /proc/<pid>/task/<tid>/stat}, grouped by its name. The JVM gives each
 * Java thread its name as the native name, cut to 15 characters, so the groups match on
 * those first characters.
 *
 * <p>
 * A thread that ended between two samples took its time with it (the process's own total
 * keeps it); that part is reported as {@code ended_threads}, so the roles always add up
 * to the process's CPU.
 */
final class ThreadCpu {

	/** USER_HZ, which Linux fixes at 100 for user space. */
	private static final long TICKS_PER_SECOND = 100;

	/** The roles, in the order they are reported. */
	static final List<String> ROLES = List.of("http_requests", "command_side", "publisher", "kafka_broker",
			"kafka_clients", "query_projection", "gc", "jit", "other");

	private ThreadCpu() {
	}

	/** A thread's name and its CPU time so far, in ticks. */
	record Thread(String name, long ticks) {
	}

	/**
	 * The threads of a process at one moment, by thread id, and the process's own total.
	 */
	record Sample(Map<Long, Thread> threads, long processTicks) {
	}

	/** Reads every thread of {@code pid}; one that ends while it is read is left out. */
	static Sample read(long pid) {
		Path process = Path.of("/proc", Long.toString(pid));
		Map<Long, Thread> threads = new HashMap<>();
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(process.resolve("task"))) {
			for (Path task : tasks) {
				try {
					String name = Files.readString(task.resolve("comm")).strip();
					threads.put(Long.parseLong(task.getFileName().toString()),
							new Thread(name, ticks(Files.readString(task.resolve("stat")))));
				}
				catch (NoSuchFileException ended) {
					// Ended between the listing and the read: its time is in the process
					// total.
				}
			}
			return new Sample(threads, ticks(Files.readString(process.resolve("stat"))));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** utime + stime of a {@code stat} line (fields 14 and 15 of proc(5)). */
	static long ticks(String stat) {
		// The name, in parentheses, may hold spaces and parentheses of its own.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/**
	 * The role of a thread by its native name (at most 15 characters of the Java name).
	 * Commands run on the request threads (Axon's simple command bus), so their Axon work
	 * is in {@code http_requests}; {@code command_side} is what Axon runs off the request
	 * thread for them (snapshots, retries of a lost append race).
	 */
	static String role(String name) {
		if (name.startsWith("http-nio-") || name.startsWith("Catalina-") || name.startsWith("container-")) {
			return "http_requests";
		}
		if (name.startsWith("organization-") || name.startsWith("command-retry")) {
			return "command_side";
		}
		// Axon names a tracking processor's threads EventProcessor[<name>]-<segment>; the
		// publisher is the only event processor this service runs. The embedded event
		// store reads ahead for it on a producer thread of its own.
		if (name.startsWith("EventProcessor[") || name.startsWith("EmbeddedEventSt")) {
			return "publisher";
		}
		if (name.startsWith("query-projectio")) {
			return "query_projection";
		}
		// The service's own Kafka clients: the publisher's producer, the projection's and
		// health's consumers and admin clients (Kafka names their I/O threads so).
		if (name.startsWith("kafka-producer-") || name.startsWith("kafka-admin-cli")
				|| name.startsWith("kafka-coordinat") || name.startsWith("consumer_backgr")) {
			return "kafka_clients";
		}
		if (isBroker(name)) {
			return "kafka_broker";
		}
		if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
			return "gc";
		}
		if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
			return "jit";
		}
		return "other";
	}

	/**
	 * The threads of the embedded KRaft broker and its controller, as Kafka 4 names them
	 * ({@code <node>} is the broker's node id): request handling and the network
	 * ({@code data-plane-kafka-*}), the log, the Raft quorum and metadata
	 * ({@code kafka-<node>-raft-io}, {@code kafka-<node>-metadata-loader}), the
	 * coordinators and the purgatories' reapers.
	 */
	private static final List<String> BROKER_PREFIXES = List.of("data-plane-kafk", "kafka-scheduler", "kafka-log-clean",
			"ExpirationReape", "controller-", "quorum-controll", "raft-", "broker-", "group-coordinat",
			"share-coordinat", "share-group-loc", "transaction-log", "TxnMarkerSender", "AddPartitionsTo",
			"ReplicaFetcher", "LogDirFailureHa", "executor-", "persister-state", "PersisterStateM", "network-partiti",
			"client-metrics-", "SensorExpiryThr");

	private static final Pattern BROKER_NODE_THREAD = Pattern.compile("kafka-[0-9]+-.*");

	private static boolean isBroker(String name) {
		return BROKER_PREFIXES.stream().anyMatch(name::startsWith) || BROKER_NODE_THREAD.matcher(name).matches();
	}

	/**
	 * Milliseconds of CPU per unit of work between two samples, by role; the threads that
	 * ended between them are {@code ended_threads}, and the busiest threads named
	 * {@code other} are listed so that what no role claims is visible.
	 */
	static Map<String, Object> perUnit(Sample before, Sample after, long units) {
		Map<String, Long> byRole = new LinkedHashMap<>();
		ROLES.forEach((role) -> byRole.put(role, 0L));
		Map<String, Long> otherByName = new HashMap<>();
		long threadTicks = 0;
		for (Map.Entry<Long, Thread> entry : after.threads().entrySet()) {
			Thread was = before.threads().get(entry.getKey());
			// A thread id is reused only after its thread ended; a new name means a new
			// thread.
			long spent = entry.getValue().ticks()
					- ((was != null && was.name().equals(entry.getValue().name())) ? was.ticks() : 0);
			String role = role(entry.getValue().name());
			byRole.merge(role, spent, Long::sum);
			if (role.equals("other") && spent > 0) {
				otherByName.merge(entry.getValue().name(), spent, Long::sum);
			}
			threadTicks += spent;
		}
		long processTicks = after.processTicks() - before.processTicks();
		Map<String, Object> result = new LinkedHashMap<>();
		byRole.forEach((role, ticks) -> result.put(role, millisPerUnit(ticks, units)));
		result.put("ended_threads", millisPerUnit(Math.max(0, processTicks - threadTicks), units));
		result.put("total", millisPerUnit(processTicks, units));
		List<Map.Entry<String, Long>> others = new ArrayList<>(otherByName.entrySet());
		others.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
		Map<String, Object> busiestOthers = new LinkedHashMap<>();
		others.stream()
			.limit(8)
			.forEach((other) -> busiestOthers.put(other.getKey(), millisPerUnit(other.getValue(), units)));
		result.put("other_busiest_threads", busiestOthers);
		return result;
	}

	private static double millisPerUnit(long ticks, long units) {
		return (units > 0) ? Load.round(ticks * 1000.0 / TICKS_PER_SECOND / units) : 0;
	}

}
