package io.membership.infra.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Deployments have these migrations applied, and Flyway refuses to start when one it
 * finds no longer matches the version, description and checksum (of its content) that it
 * recorded. So an applied migration may move between locations only unchanged, and a
 * change to the schema is a new version. A migration is pinned here once it has been
 * released; the ones after the pinned ones are free until then.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AppliedMigrationsTest {

	@Test
	void the_h2_migrations_deployments_applied_are_unchanged() {
		assertThat(resolved("h2")).startsWith("1 axon event store 341399016", "2 idempotency keys -1192922396",
				"3 published member roles -81350586", "4 query side projections 1550491910",
				"5 audit hash chain 993177334", "6 quarantined organizations 107357845");
	}

	@Test
	void the_postgresql_migrations_deployments_applied_are_unchanged() {
		assertThat(resolved("postgresql")).startsWith("1 axon event store -752953231", "2 idempotency keys -548598332",
				"3 published member roles 1051150877", "4 query side projections 1151805486",
				"5 audit hash chain 993177334", "6 quarantined organizations 107357845");
	}

	/**
	 * Version, description and checksum of each migration the service finds for this
	 * database, in the locations its {@code application.yml} names
	 * ({@code spring.flyway.locations}, with {@code {vendor}} as Spring Boot replaces
	 * it); resolving them reads no SQL into the scratch database.
	 */
	private static List<String> resolved(String vendor) {
		SingleConnectionDataSource scratch = new SingleConnectionDataSource(
				"jdbc:h2:mem:migrations_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa",
				"", true);
		try {
			return Arrays
				.stream(Flyway.configure().dataSource(scratch).locations(locations(vendor)).load().info().all())
				.map((migration) -> migration.getVersion() + " " + migration.getDescription() + " "
						+ migration.getChecksum())
				.toList();
		}
		finally {
			scratch.destroy();
		}
	}

	private static String[] locations(String vendor) {
		YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
		yaml.setResources(new ClassPathResource("application.yml"));
		String locations = yaml.getObject().getProperty("spring.flyway.locations");
		assertThat(locations).as("spring.flyway.locations in application.yml").isNotBlank();
		return Arrays.stream(locations.split(","))
			.map((location) -> location.trim().replace("{vendor}", vendor))
			.toArray(String[]::new);
	}

}
