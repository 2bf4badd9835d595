package io.membership.infra;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The one jar that runs the membership service. It scans the whole {@code io.membership}
 * tree so the command side's aggregate and endpoints and the query side's projections are
 * found without either side knowing this module.
 */
@SpringBootApplication(scanBasePackages = "io.membership")
@ConfigurationPropertiesScan("io.membership")
public class MembershipApplication {

	public static void main(String[] args) {
		SpringApplication.run(MembershipApplication.class, args);
	}

}
