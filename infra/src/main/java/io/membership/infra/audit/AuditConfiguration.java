package io.membership.infra.audit;

import java.nio.file.Path;
import java.time.Clock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.infra.kafka.PublishingProducer;

/** The audit trail's signing key and checkpoints. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

	@Bean
	AuditSigner auditSigner(@Value("${membership.audit.signing-key:}") String signingKey,
			@Value("${membership.data-dir}") Path dataDirectory) {
		return AuditSigner.fromConfiguredOrDataDirectory(signingKey, dataDirectory);
	}

	@Bean
	AuditCheckpoints auditCheckpoints(JdbcClient jdbc, AuditSigner signer, PublishingProducer producer, Clock clock) {
		return new AuditCheckpoints(jdbc, signer, producer, clock);
	}

}
