package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.convert.DurationStyle;

import io.membership.infra.faults.CommandLoad.Sent;
import io.membership.infra.faults.FaultChecks.Delivery;
import io.membership.infra.faults.FaultChecks.Tally;
import io.membership.infra.faults.FaultSchema.StoredEvent;
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TopicReader;
import io.membership.testkit.ServiceProcess;

/**
 * Case 9: a long run. A steady mixed load (commands from 3 clients, each filling an
 * organization with 50 members and then changing their roles; checks and member lists
 * from a fourth) for {@code -Dmembership.faults.soak} (default 10 minutes; the README
 * says how to run 2 hours), with a fault every
 * {@code -Dmembership.faults.soak-fault-every} (default 3 minutes): the database cut off
 * for 10 s, then Kafka stopped for 10 s, in turn. Each minute the service's heap after a
 * full collection, resident memory, threads, open files and pool connections in use (a
 * connection never given back stays in use) are sampled, and once more at the end; each
 * must be flat: the growth a least-squares line through the samples after the first two
 * minutes gives over the run must stay under a tenth of the metric's mean (and a small
 * floor, for counts that move by one or two). A slow leak fails, however large the
 * service's footprint is. At the end nothing acknowledged is lost.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SoakFaultIT {

	private static final String SCENARIO = "soak";

	private static final Duration LENGTH = DurationStyle
		.detectAndParse(System.getProperty("membership.faults.soak", "10m"));

	private static final Duration FAULT_EVERY = DurationStyle
		.detectAndParse(System.getProperty("membership.faults.soak-fault-every", "3m"));

	private static final Duration SAMPLE_EVERY = Duration.ofMinutes(1);

	private static final Duration OUTAGE = Duration.ofSeconds(10);

	/**
	 * Members of each client's organization: the load fills them in, then only changes
	 * their roles, so what the service holds stays the same while the event store grows.
	 */
	private static final int POPULATION = 50;

	/** Samples of the first minutes are left out of the fit: the JVM is still warming. */
	private static final int WARM_UP_SAMPLES = 2;

	@Test
	@Timeout(value = 600, unit = TimeUnit.MINUTES)
	void a_long_run_under_load_and_faults_keeps_memory_threads_files_and_connections_flat_and_loses_nothing()
			throws Exception {
		try (FaultSchema schema = FaultSchema.create("soak");
				TcpProxy proxy = new TcpProxy(schema.serverHost(), schema.serverPort());
				EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(0,
						FaultServices.directory().resolve("soak-broker-" + System.currentTimeMillis()))) {
			broker.start();
			try (ServiceProcess service = FaultServices.builder("soak", schema)
				// The whole heap committed and touched at start, so that resident memory
				// measures what else the JVM holds (threads, code, buffers), not the heap
				// growing into its maximum.
				.jvmArgs(List.of("-Xms384m", "-XX:+AlwaysPreTouch"))
				.database(schema.jdbcUrlVia("127.0.0.1", proxy.port()), schema.username(), schema.password(),
						schema.name())
				.externalKafka(broker.bootstrapServers())
				.build()
				.start()) {
				ApiClient owner = ApiClient.as(service.port(), 9001);
				Answer created = owner.post("/api/organizations", "{\"name\":\"Soak\"}");
				assertThat(created.status()).as(created.toString()).isEqualTo(201);
				String organization = "/api/organizations/" + created.json().get("organization_id").asString();

				List<Sample> samples = new ArrayList<>();
				List<String> faults = new ArrayList<>();
				List<Sent> sent;
				QueryLoad queries = new QueryLoad(owner, organization);
				// Before the query load starts: the organization's first event projected
				// (an
				// organization the view does not know yet is 404, without waiting).
				long visibleBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
				Answer visible;
				do {
					ServiceProcess.sleep(Duration.ofMillis(100));
					visible = owner.get(organization + "/permissions/check?user_id=9001&action=invite_users");
				}
				while (visible.status() != 200 && System.nanoTime() < visibleBy);
				assertThat(visible.status()).as(visible.toString()).isEqualTo(200);
				try (CommandLoad load = CommandLoad.steady("soak", 3, (client) -> service.port(), Duration.ofMillis(25),
						POPULATION)) {
					load.start();
					queries.start();
					long start = System.nanoTime();
					long nextSample = start + SAMPLE_EVERY.toNanos();
					// Faults half a sample period off the samples, so that no sample is
					// taken while one lasts.
					long nextFault = start + FAULT_EVERY.toNanos() + SAMPLE_EVERY.toNanos() / 2;
					int fault = 0;
					while (System.nanoTime() - start < LENGTH.toNanos()) {
						if (System.nanoTime() >= nextFault) {
							faults.add(injectFault(fault++, proxy, broker));
							nextFault += FAULT_EVERY.toNanos();
						}
						if (System.nanoTime() >= nextSample) {
							samples.add(Sample.of(service, Duration.ofNanos(System.nanoTime() - start),
									load.acknowledged(), queries.answered.get()));
							nextSample += SAMPLE_EVERY.toNanos();
						}
						ServiceProcess.sleep(Duration.ofMillis(200));
					}
					samples.add(Sample.of(service, Duration.ofNanos(System.nanoTime() - start), load.acknowledged(),
							queries.answered.get()));
					queries.stop();
					sent = load.stop();
				}
				samples.forEach((sample) -> FaultReport.record(SCENARIO, "%s", sample));

				List<StoredEvent> store = schema.events();
				FaultChecks.assertGapless(store);
				Tally tally = FaultChecks.assertAcknowledgedStoredOnce(sent, store, "soak");
				Delivery delivery;
				try (TopicReader topic = TopicReader.events(broker.bootstrapServers())) {
					delivery = FaultChecks.assertPublishedInOrder(store,
							topic.readUntil(FaultChecks.containsEvery(store), Duration.ofSeconds(180)));
				}
				Duration converged = FaultChecks.assertViewsConverge(service, schema, store, Duration.ofSeconds(180));
				assertThat(queries.unexpected).as("queries answered other than 200 or 503").isEmpty();

				List<Sample> fitted = samples.subList(Math.min(WARM_UP_SAMPLES, samples.size()), samples.size());
				assertThat(fitted).as("enough samples to fit a line: run at least 5 minutes").hasSizeGreaterThan(2);
				List<String> growth = new ArrayList<>();
				growth.add(assertFlat(fitted, "heap after a full GC (KiB)", Sample::heapKib, 8 * 1024));
				growth.add(assertFlat(fitted, "resident memory (KiB)", Sample::residentKib, 32 * 1024));
				growth.add(assertFlat(fitted, "threads", Sample::threads, 3));
				growth.add(assertFlat(fitted, "open files", Sample::openFiles, 16));
				growth.add(assertFlat(fitted, "pool connections in use", Sample::poolConnections, 2));

				FaultReport.record(SCENARIO, "%s of load, a fault every %s: %s", LENGTH, FAULT_EVERY,
						String.join("; ", faults));
				FaultReport.record(SCENARIO, "%s; %,d queries answered; %s; views converged %s after the checks began",
						tally, queries.answered.get(), delivery, FaultChecks.millis(converged));
				FaultReport.record(SCENARIO, "fitted growth over the run: %s", String.join("; ", growth));
			}
		}
	}

	/** The next fault in turn: the database cut off, or Kafka stopped, for 10 s. */
	private static String injectFault(int number, TcpProxy proxy, EmbeddedKafkaBroker broker) {
		if (number % 2 == 0) {
			proxy.cut();
			ServiceProcess.sleep(OUTAGE);
			proxy.restore();
			return "database cut off " + OUTAGE.toSeconds() + " s";
		}
		broker.close();
		ServiceProcess.sleep(OUTAGE);
		broker.start();
		return "Kafka stopped " + OUTAGE.toSeconds() + " s";
	}

	/**
	 * Fits a least-squares line through the samples and checks that the growth it gives
	 * over the run stays under a tenth of the mean, or under the floor if that is larger.
	 */
	private static String assertFlat(List<Sample> samples, String metric, ToDoubleFunction<Sample> value,
			double floor) {
		double meanX = samples.stream().mapToDouble(Sample::minutes).average().orElseThrow();
		double meanY = samples.stream().mapToDouble(value).average().orElseThrow();
		double covariance = 0;
		double variance = 0;
		for (Sample sample : samples) {
			covariance += (sample.minutes() - meanX) * (value.applyAsDouble(sample) - meanY);
			variance += (sample.minutes() - meanX) * (sample.minutes() - meanX);
		}
		double slopePerMinute = covariance / variance;
		double span = samples.get(samples.size() - 1).minutes() - samples.get(0).minutes();
		double growth = slopePerMinute * span;
		double allowed = Math.max(meanY / 10, floor);
		String figure = String.format(Locale.ROOT, "%s %+.1f over %.0f min (mean %.1f, allowed %.1f)", metric, growth,
				span, meanY, allowed);
		assertThat(growth).as("growth of %s: %s", metric, figure).isLessThan(allowed);
		return figure;
	}

	/** One minute's reading of the service's JVM. */
	record Sample(double minutes, long acknowledged, long queries, long heapKib, long residentKib, long threads,
			long openFiles, long poolConnections) {

		static Sample of(ServiceProcess service, Duration elapsed, long acknowledged, long queries) {
			service.fullGc();
			long heap = (long) (FaultServices.meter(service, "jvm_memory_used_bytes{area=\"heap\"") / 1024);
			Path proc = Path.of("/proc", Long.toString(service.pid()));
			long threads;
			long files;
			try (Stream<Path> tasks = Files.list(proc.resolve("task"));
					Stream<Path> fds = Files.list(proc.resolve("fd"))) {
				threads = tasks.count();
				files = fds.count();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return new Sample(elapsed.toSeconds() / 60.0, acknowledged, queries, heap, service.residentKib()[0],
					threads, files, (long) FaultServices.meter(service, "hikaricp_connections_active"));
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"minute %.1f: %,d commands acknowledged, %,d queries; heap after GC %,d KiB, RSS %,d KiB, "
							+ "%d threads, %d open files, %d pool connections in use",
					this.minutes, this.acknowledged, this.queries, this.heapKib, this.residentKib, this.threads,
					this.openFiles, this.poolConnections);
		}

	}

	/**
	 * Checks and member lists of the soak's organization, one after another, from one
	 * client: 200, or 503 while a fault lasts.
	 */
	private static final class QueryLoad {

		private final ApiClient owner;

		private final String organization;

		private final AtomicBoolean running = new AtomicBoolean();

		private final AtomicLong answered = new AtomicLong();

		private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();

		private Thread thread;

		QueryLoad(ApiClient owner, String organization) {
			this.owner = owner;
			this.organization = organization;
		}

		void start() {
			this.running.set(true);
			this.thread = new Thread(() -> {
				long request = 0;
				while (this.running.get()) {
					String path = (request++ % 2 == 0)
							? this.organization + "/permissions/check?user_id=9001&action=invite_users"
							: this.organization + "/memberships?page_size=20";
					try {
						Answer answer = this.owner.get(path);
						if (answer.status() == 200 || answer.status() == 503) {
							this.answered.incrementAndGet();
						}
						else {
							this.unexpected.add("GET " + path + ": " + answer);
						}
					}
					catch (RuntimeException ex) {
						this.unexpected.add("GET " + path + ": " + ex);
					}
					ServiceProcess.sleep(Duration.ofMillis(10));
				}
			}, "soak-queries");
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(30_000);
		}

	}

}
