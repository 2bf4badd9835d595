package io.membership.audit;

import java.nio.file.Path;
import java.time.Clock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The audit trail: the chain's writer, the signing key and the checkpoints. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

	/**
	 * Remembers the chain head of as many organizations as the command side keeps in its
	 * cache: those are the ones its commands append to.
	 */
	@Bean
	HashChainWriter hashChainWriter(JdbcClient jdbc,
			@Value("${membership.organization-cache.size:2048}") long rememberedHeads) {
		return new HashChainWriter(jdbc, rememberedHeads);
	}

	@Bean
	AuditSigner auditSigner(@Value("${membership.audit.signing-key:}") String signingKey,
			@Value("${membership.data-dir}") Path dataDirectory) {
		return AuditSigner.fromConfiguredOrDataDirectory(signingKey, dataDirectory);
	}

	@Bean
	AuditCheckpoints auditCheckpoints(JdbcClient jdbc, AuditSigner signer, CheckpointPublisher publisher, Clock clock) {
		return new AuditCheckpoints(jdbc, signer, publisher, clock);
	}

	@Bean
	CheckpointAge checkpointAge(JdbcClient jdbc, Clock clock) {
		return new CheckpointAge(jdbc, clock);
	}

}
