package io.membership.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * The two ways load is offered. Closed: a fixed number of clients, each sending its next
 * request when the previous one answered, which finds the most the server sustains. Open:
 * requests due at fixed intervals whatever the server does, each latency counted from the
 * moment the request was due, so a stall shows in the latency of every request that
 * should have been sent during it (no coordinated omission).
 */
final class Load {

	private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

	private Load() {
	}

	/** One request; true if it got the answer expected. */
	@FunctionalInterface
	interface Task {

		boolean run(int client, long sequence) throws Exception;

	}

	/** What a run did: latencies in microseconds, answers, and for how long. */
	record Outcome(Histogram micros, long ok, long failed, double seconds, Map<String, Long> failures) {

		double throughput() {
			return this.ok / this.seconds;
		}

		double millis(double percentile) {
			return this.micros.getValueAtPercentile(percentile) / 1000.0;
		}

		Map<String, Object> summary() {
			Map<String, Object> summary = new java.util.LinkedHashMap<>();
			summary.put("requests_ok", this.ok);
			summary.put("requests_failed", this.failed);
			summary.put("seconds", round(this.seconds));
			summary.put("per_second", round(throughput()));
			summary.put("p50_ms", round(millis(50)));
			summary.put("p99_ms", round(millis(99)));
			summary.put("p999_ms", round(millis(99.9)));
			summary.put("max_ms", round(this.micros.getMaxValue() / 1000.0));
			if (!this.failures.isEmpty()) {
				summary.put("failures", this.failures);
			}
			return summary;
		}

	}

	static Outcome closed(int clients, Duration duration, Task task) {
		long end = System.nanoTime() + duration.toNanos();
		return run(clients, (client, recorder) -> {
			long sequence = 0;
			while (System.nanoTime() < end) {
				long sent = System.nanoTime();
				recorder.record(task, client, sequence++, sent);
			}
		});
	}

	static Outcome open(int ratePerSecond, Duration duration, int clients, Task task) {
		long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
		long total = ratePerSecond * duration.toSeconds();
		AtomicLong next = new AtomicLong();
		long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
		return run(clients, (client, recorder) -> {
			for (long sequence = next.getAndIncrement(); sequence < total; sequence = next.getAndIncrement()) {
				long due = start + sequence * interval;
				for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
					LockSupport.parkNanos(wait);
				}
				recorder.record(task, client, sequence, due);
			}
		});
	}

	private interface Client {

		void run(int client, Recorder recorder) throws Exception;

	}

	private static Outcome run(int clients, Client body) {
		List<Recorder> recorders = new ArrayList<>();
		Map<String, Long> failures = new ConcurrentHashMap<>();
		CountDownLatch done = new CountDownLatch(clients);
		long started = System.nanoTime();
		for (int client = 0; client < clients; client++) {
			Recorder recorder = new Recorder(failures);
			recorders.add(recorder);
			int id = client;
			Thread thread = new Thread(() -> {
				try {
					body.run(id, recorder);
				}
				catch (Exception ex) {
					failures.merge("client stopped: " + ex, 1L, Long::sum);
				}
				finally {
					done.countDown();
				}
			}, "load-" + client);
			thread.setDaemon(true);
			thread.start();
		}
		try {
			done.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		Histogram all = new Histogram(MAX_MICROS, 3);
		long ok = 0;
		long failed = 0;
		for (Recorder recorder : recorders) {
			all.add(recorder.histogram);
			ok += recorder.ok;
			failed += recorder.failed;
		}
		return new Outcome(all, ok, failed, seconds, new TreeMap<>(failures));
	}

	/** One client's counts; merged after the run, so no synchronization while it runs. */
	private static final class Recorder {

		private final Histogram histogram = new Histogram(MAX_MICROS, 3);

		private final Map<String, Long> failures;

		private long ok;

		private long failed;

		Recorder(Map<String, Long> failures) {
			this.failures = failures;
		}

		void record(Task task, int client, long sequence, long from) {
			boolean success;
			try {
				success = task.run(client, sequence);
			}
			catch (Exception ex) {
				success = false;
				String message = ex.getClass().getSimpleName() + ": " + ex.getMessage();
				this.failures.merge(message.length() > 200 ? message.substring(0, 200) : message, 1L, Long::sum);
			}
			long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - from);
			this.histogram.recordValue(Math.min(Math.max(micros, 0), MAX_MICROS));
			if (success) {
				this.ok++;
			}
			else {
				this.failed++;
			}
		}

	}

	static double round(double value) {
		return Math.round(value * 1000.0) / 1000.0;
	}

}
