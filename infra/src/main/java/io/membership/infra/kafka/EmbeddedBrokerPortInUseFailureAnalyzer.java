package io.membership.infra.kafka;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up fails with one clear description and what to do, as Spring Boot reports a
 * taken web port, instead of a stack trace, when the embedded broker's port is taken.
 */
class EmbeddedBrokerPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedBrokerPortInUseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedBrokerPortInUseException cause) {
		return new FailureAnalysis(cause.getMessage(), "Stop the process that listens on port " + cause.port()
				+ ", or give the embedded broker another port: MEMBERSHIP_KAFKA_EMBEDDED_PORT=<port> "
				+ "(0 picks a free one). With your own Kafka cluster, set MEMBERSHIP_KAFKA_EMBEDDED_ENABLED=false "
				+ "and MEMBERSHIP_KAFKA_BOOTSTRAP_SERVERS.", cause);
	}

}
