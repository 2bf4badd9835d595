package io.membership.infra.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points the service at the test database and a throw-away data directory. */
public class PostgresInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		TestDatabase database = TestDatabase.get();
		Path dataDirectory;
		try {
			dataDirectory = Files.createTempDirectory("membership-test-data");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		TestPropertyValues
			.of("spring.datasource.url=" + database.jdbcUrl(), "spring.datasource.username=" + database.username(),
					"spring.datasource.password=" + database.password(),
					"spring.flyway.default-schema=" + database.schema(), "membership.data-dir=" + dataDirectory,
					"membership.jwt.secret=" + ApiClient.TEST_SECRET,
					// A known key, so that tests can sign the records they write to the
					// topic themselves.
					"membership.kafka.record-key=" + TestRecordKey.VALUE,
					// Its own in-process broker on a free port, its log in the throw-away
					// data directory.
					"membership.kafka.embedded.port=0",
					// Tests that stop the broker should not wait the production 30 s to
					// retry.
					"membership.kafka.delivery-timeout=5s")
			.applyTo(context);
	}

}
