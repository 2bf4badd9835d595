package io.membership.query.feed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Applies a poll's records in parallel by partition: the poll is split into at most
 * {@link #count()} groups of whole partitions, and each group is applied on a thread of a
 * small fixed pool, in a transaction of its own with the positions of its own partitions.
 * An organization's events are all in one partition (the key is its id), so two groups
 * never hold the same organization, and each keeps the order its partitions gave.
 *
 * <p>
 * Most of what applying a poll costs is waiting for the database (its statements and its
 * commit); groups applied side by side wait at the same time. The only row two
 * organizations can share is a user's address in {@code qs_personal_data}, which
 * {@code PersonalDataErased} rewrites after reading it: every partition holding such an
 * event of the poll goes into one group, so no two transactions read and rewrite one
 * address at once.
 *
 * <p>
 * With one lane everything runs on the caller's thread, as before the lanes.
 */
public final class PartitionLanes implements AutoCloseable {

	/** The lanes the query side applies its polls with unless configured otherwise. */
	public static final int DEFAULT = 2;

	private final int lanes;

	private final ExecutorService pool;

	/**
	 * @param lanes how many groups a poll is split into at most, each applied on a thread
	 * of its own; 1 applies everything on the caller's thread
	 * @param name the threads' name, numbered
	 */
	public PartitionLanes(int lanes, String name) {
		if (lanes < 1) {
			throw new IllegalArgumentException("At least one lane is needed, not " + lanes);
		}
		this.lanes = lanes;
		this.pool = (lanes > 1) ? Executors.newFixedThreadPool(lanes, daemons(name)) : null;
	}

	/** How many groups a poll is split into at most. */
	public int count() {
		return this.lanes;
	}

	/**
	 * Splits the items into at most {@link #count()} groups of whole partitions, balanced
	 * by how many items each holds; every item keeps its place in the order given, within
	 * its group.
	 * @param partition the partition of an item
	 * @param sharedAcrossOrganizations whether an item writes a row that items of another
	 * organization may write too: the partitions of every such item go into one group
	 */
	public <T> List<List<T>> split(List<T> items, ToIntFunction<T> partition, Predicate<T> sharedAcrossOrganizations) {
		if (this.lanes == 1 || items.isEmpty()) {
			return items.isEmpty() ? List.of() : List.of(items);
		}
		Map<Integer, Integer> sizes = new LinkedHashMap<>();
		Set<Integer> shared = new LinkedHashSet<>();
		for (T item : items) {
			int of = partition.applyAsInt(item);
			sizes.merge(of, 1, Integer::sum);
			if (sharedAcrossOrganizations.test(item)) {
				shared.add(of);
			}
		}
		// The units a lane takes whole: every partition alone, but those sharing rows
		// across organizations together.
		List<List<Integer>> units = new ArrayList<>();
		if (!shared.isEmpty()) {
			units.add(List.copyOf(shared));
		}
		sizes.keySet().stream().filter((of) -> !shared.contains(of)).forEach((of) -> units.add(List.of(of)));
		ToIntFunction<List<Integer>> weight = (unit) -> unit.stream().mapToInt(sizes::get).sum();
		units.sort(Comparator.comparingInt(weight).reversed());
		// Largest first, each to the lane with the fewest items so far.
		int[] load = new int[this.lanes];
		Map<Integer, Integer> laneOf = new HashMap<>();
		for (List<Integer> unit : units) {
			int lightest = 0;
			for (int lane = 1; lane < this.lanes; lane++) {
				if (load[lane] < load[lightest]) {
					lightest = lane;
				}
			}
			load[lightest] += weight.applyAsInt(unit);
			for (Integer of : unit) {
				laneOf.put(of, lightest);
			}
		}
		List<List<T>> groups = new ArrayList<>();
		for (int lane = 0; lane < this.lanes; lane++) {
			groups.add(new ArrayList<>());
		}
		for (T item : items) {
			groups.get(laneOf.get(partition.applyAsInt(item))).add(item);
		}
		groups.removeIf(List::isEmpty);
		return groups;
	}

	/**
	 * Runs each group's work on a lane of its own and waits until every one has ended,
	 * whatever became of the others, so that nothing is still being written when the
	 * caller goes on (or starts again from the stored positions).
	 * @throws RuntimeException the first failure of a group, the others' suppressed in it
	 */
	public void run(List<Runnable> groups) {
		if (this.pool == null || groups.size() == 1) {
			groups.forEach(Runnable::run);
			return;
		}
		List<Future<?>> running = new ArrayList<>(groups.size());
		for (Runnable group : groups) {
			running.add(this.pool.submit(group));
		}
		Throwable failure = null;
		boolean interrupted = false;
		for (Future<?> group : running) {
			while (true) {
				try {
					group.get();
					break;
				}
				catch (InterruptedException ex) {
					// The group goes on writing whatever happens here: wait for it all
					// the same, and say so once it has ended.
					interrupted = true;
				}
				catch (ExecutionException ex) {
					if (failure == null) {
						failure = ex.getCause();
					}
					else {
						failure.addSuppressed(ex.getCause());
					}
					break;
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		if (failure != null) {
			throw new IllegalStateException(failure);
		}
	}

	/** Stops the lanes' threads once the groups they run have ended. */
	@Override
	public void close() {
		if (this.pool == null) {
			return;
		}
		this.pool.shutdown();
		try {
			this.pool.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static ThreadFactory daemons(String name) {
		AtomicInteger number = new AtomicInteger();
		return (work) -> {
			Thread thread = new Thread(work, name + "-" + number.incrementAndGet());
			// A lane never keeps the JVM alive: the consumer that owns it stops it.
			thread.setDaemon(true);
			return thread;
		};
	}

}
