package io.membership.infra;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import io.membership.audit.verify.AuditVerifier;
import io.membership.infra.query.ProjectionRebuildCommand;

/**
 * The one jar that runs the membership service. It scans the whole {@code io.membership}
 * tree so the command side's aggregate and endpoints and the query side's projections are
 * found without either side knowing this module.
 */
@SpringBootApplication(scanBasePackages = "io.membership")
@ConfigurationPropertiesScan("io.membership")
public class MembershipApplication {

	/**
	 * Runs the service; {@code verify ...} instead runs the offline audit verifier, which
	 * needs no database, broker or configuration, and
	 * {@code rebuild-projections [--verify-only]} rebuilds (or checks) the query side's
	 * projections from the events topic, with the service's configuration.
	 */
	public static void main(String[] args) {
		if (args.length > 0 && "verify".equals(args[0])) {
			System.exit(AuditVerifier.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		if (args.length > 0 && "rebuild-projections".equals(args[0])) {
			System.exit(ProjectionRebuildCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		SpringApplication.run(MembershipApplication.class, args);
	}

}
