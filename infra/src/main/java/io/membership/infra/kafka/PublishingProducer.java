package io.membership.infra.kafka;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The publisher's Kafka producer: idempotent with {@code acks=all} and one request in
 * flight, so a retried send neither duplicates nor reorders records within a partition.
 * After a failed batch it is replaced, so the retry starts on a fresh producer session.
 */
public class PublishingProducer implements AutoCloseable {

	private final Properties properties;

	private final MeterRegistry meters;

	private volatile Producer<String, byte[]> producer;

	/** Kafka's own producer meters ({@code kafka_producer_*}) of the producer in use. */
	private KafkaClientMetrics producerMeters;

	PublishingProducer(KafkaBootstrapServers bootstrapServers, KafkaSettings settings, MeterRegistry meters) {
		this.meters = meters;
		this.properties = new Properties();
		this.properties.putAll(settings.clientProperties());
		this.properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.value());
		this.properties.put(ProducerConfig.ACKS_CONFIG, "all");
		this.properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		// One request in flight: with more, a fresh producer talking to a restarted
		// broker had its first request refused (NOT_LEADER_OR_FOLLOWER) while its
		// second, carrying later events, was accepted, and the retried first then failed
		// as out of sequence (seen by the fault-injection suite, case 2).
		this.properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
		this.properties.put(ProducerConfig.LINGER_MS_CONFIG, 2);
		this.properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
		int timeout = (int) settings.deliveryTimeout().toMillis();
		// The producer itself never gives up on a record: when a batch expires, an
		// idempotent producer starts a new epoch and goes on sending the records queued
		// after it, which would put an organization's later events on the topic before
		// its earlier ones. The publisher waits deliveryTimeout for acknowledgements
		// instead and then replaces the producer, dropping everything still queued.
		this.properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
		this.properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout / 2, 10_000));
		// send() blocks for metadata while Kafka is unreachable; bound it like delivery.
		this.properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
		this.properties.put(ProducerConfig.CLIENT_ID_CONFIG, "membership-publisher");
		this.producer = create();
	}

	public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
		return this.producer.send(record);
	}

	/** Sends without waiting; the callback hears how it went. */
	void send(ProducerRecord<String, byte[]> record, Callback callback) {
		this.producer.send(record, callback);
	}

	/** The producer in use now; a batch sends all its records through one. */
	Producer<String, byte[]> instance() {
		return this.producer;
	}

	boolean isCurrent(Producer<String, byte[]> instance) {
		return this.producer == instance;
	}

	/**
	 * Replaces the producer a failed batch used, unless another failed batch has done so
	 * already; closing it at once drops every record it still holds.
	 */
	synchronized void reset(Producer<String, byte[]> failed) {
		if (this.producer != failed) {
			return;
		}
		this.producer = create();
		failed.close(Duration.ZERO);
	}

	private synchronized Producer<String, byte[]> create() {
		Producer<String, byte[]> created = new KafkaProducer<>(this.properties, new StringSerializer(),
				new ByteArraySerializer());
		if (this.producerMeters != null) {
			this.producerMeters.close();
		}
		this.producerMeters = new KafkaClientMetrics(created);
		this.producerMeters.bindTo(this.meters);
		return created;
	}

	@Override
	public synchronized void close() {
		this.producerMeters.close();
		this.producer.close(Duration.ofSeconds(10));
	}

}
