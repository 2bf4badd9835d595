package io.membership.infra.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether Kafka answers, shown as {@code kafka} in the health details with the
 * publisher's backlog. It is deliberately not part of readiness: while Kafka is away
 * commands are still accepted into the event store and published once it returns, so
 * taking the instance out of rotation would only turn a delay into an outage.
 */
class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

	/**
	 * Well under a probe's timeout: the answer of an unreachable Kafka is "DOWN", soon.
	 */
	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final Map<String, Object> configuration;

	private final PublisherLag lag;

	private Admin admin;

	KafkaHealthIndicator(Map<String, Object> clientConfiguration, PublisherLag lag) {
		super("Kafka health check failed");
		this.configuration = new HashMap<>(clientConfiguration);
		this.configuration.put(AdminClientConfig.CLIENT_ID_CONFIG, "membership-health");
		this.configuration.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
		this.configuration.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
		this.lag = lag;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		PublisherLag.Sample backlog = this.lag.sample();
		builder.withDetail("unpublished_events", backlog.events())
			.withDetail("oldest_unpublished_seconds", backlog.oldestSeconds());
		DescribeClusterResult cluster = admin()
			.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()));
		int brokers = cluster.nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
		builder.up()
			.withDetail("cluster_id", cluster.clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
			.withDetail("brokers", brokers);
	}

	/** One admin client, kept: it reconnects by itself once Kafka is back. */
	private synchronized Admin admin() {
		if (this.admin == null) {
			this.admin = Admin.create(this.configuration);
		}
		return this.admin;
	}

	@Override
	public synchronized void destroy() {
		if (this.admin != null) {
			this.admin.close(Duration.ZERO);
		}
	}

}
