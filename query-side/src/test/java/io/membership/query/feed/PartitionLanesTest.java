package io.membership.query.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * How a poll is split into lanes and how the lanes are waited for: whole partitions per
 * group, each in the order given; those sharing rows across organizations together; every
 * group ended before the caller hears of a failure.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PartitionLanesTest {

	/** A record of a poll: its partition, its offset, and whether it erases addresses. */
	private record Item(int partition, int offset, boolean erases) {

		static Item of(int partition, int offset) {
			return new Item(partition, offset, false);
		}

	}

	@Test
	void a_poll_is_split_into_whole_partitions_each_in_its_order_the_largest_spread_over_the_lanes() {
		List<Item> poll = List.of(Item.of(0, 0), Item.of(1, 0), Item.of(0, 1), Item.of(2, 0), Item.of(0, 2),
				Item.of(1, 1), Item.of(3, 0));
		try (PartitionLanes lanes = new PartitionLanes(2, "test-lane")) {
			List<List<Item>> groups = lanes.split(poll, Item::partition, Item::erases);

			assertThat(groups).containsExactlyInAnyOrder(
					List.of(Item.of(0, 0), Item.of(0, 1), Item.of(0, 2), Item.of(3, 0)),
					List.of(Item.of(1, 0), Item.of(2, 0), Item.of(1, 1)));
		}
	}

	@Test
	void the_partitions_of_records_that_erase_addresses_go_into_one_group() {
		List<Item> poll = List.of(new Item(0, 0, true), Item.of(1, 0), Item.of(2, 0), new Item(3, 0, true),
				Item.of(3, 1));
		try (PartitionLanes lanes = new PartitionLanes(3, "test-lane")) {
			List<List<Item>> groups = lanes.split(poll, Item::partition, Item::erases);

			assertThat(groups).hasSize(3)
				.contains(List.of(new Item(0, 0, true), new Item(3, 0, true), Item.of(3, 1)), List.of(Item.of(1, 0)),
						List.of(Item.of(2, 0)));
		}
	}

	@Test
	void one_lane_is_the_whole_poll_on_the_callers_thread() {
		List<Item> poll = List.of(Item.of(0, 0), Item.of(1, 0));
		try (PartitionLanes lanes = new PartitionLanes(1, "test-lane")) {
			assertThat(lanes.split(poll, Item::partition, Item::erases)).containsExactly(poll);
			Thread caller = Thread.currentThread();
			AtomicBoolean onTheCaller = new AtomicBoolean();
			lanes.run(List.of(() -> onTheCaller.set(Thread.currentThread() == caller)));
			assertThat(onTheCaller).isTrue();
		}
	}

	@Test
	void a_failure_is_reported_once_every_other_lane_has_ended_on_named_daemon_threads() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean otherEnded = new AtomicBoolean();
		AtomicBoolean named = new AtomicBoolean(true);
		try (PartitionLanes lanes = new PartitionLanes(2, "test-lane")) {
			Thread waiter = new Thread(() -> {
				try {
					Thread.sleep(300);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				release.countDown();
			});
			waiter.start();

			assertThatIllegalStateException().isThrownBy(() -> lanes.run(List.of(() -> {
				named.compareAndSet(true,
						Thread.currentThread().getName().startsWith("test-lane-") && Thread.currentThread().isDaemon());
				throw new IllegalStateException("the database is gone");
			}, () -> {
				named.compareAndSet(true,
						Thread.currentThread().getName().startsWith("test-lane-") && Thread.currentThread().isDaemon());
				try {
					release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				otherEnded.set(true);
			}))).withMessage("the database is gone");

			assertThat(otherEnded).as("the other lane had ended").isTrue();
			assertThat(named).isTrue();
		}
	}

}
