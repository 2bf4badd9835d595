package io.membership.infra;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.EnableScheduling;

import io.membership.command.web.InvitationTokens;

/** The service-wide beans that are neither Axon's nor the web layer's. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ApplicationConfiguration {

	/**
	 * Static, as a bean factory post-processor must be: it runs before any other bean is
	 * made, so before anything opens a file in the data directory (and, for the same
	 * reason, reads the property from the environment rather than by {@code @Value}).
	 */
	@Bean
	static DataDirectory dataDirectory(Environment environment) {
		return new DataDirectory(Path.of(environment.getRequiredProperty("membership.data-dir")));
	}

	/** Static, as a bean post-processor should be, so it sees the data source made. */
	@Bean
	static LazyConnections lazyConnections() {
		return new LazyConnections();
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	/**
	 * The key that signs invitation tokens: {@code MEMBERSHIP_INVITATIONS_SECRET} in
	 * production; on the embedded default a random key generated once into the data
	 * directory, so invitations survive a restart.
	 */
	@Bean
	InvitationTokens invitationTokens(@Value("${membership.invitations.secret:}") String secret,
			@Value("${membership.data-dir}") Path dataDirectory) {
		byte[] key = secret.isBlank()
				? DataDirectorySecrets.loadOrCreate(dataDirectory.resolve("keys/invitation-token.key"), 32)
				: secret.getBytes(StandardCharsets.UTF_8);
		return new InvitationTokens(key);
	}

}
