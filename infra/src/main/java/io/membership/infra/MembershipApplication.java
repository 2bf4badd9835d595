package io.membership.infra;

import java.io.PrintStream;
import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import io.membership.audit.verify.AuditVerifier;
import io.membership.events.text.TextRules;
import io.membership.infra.kafka.RepublishCommand;
import io.membership.infra.query.ProjectionRebuildCommand;

/**
 * The one jar that runs the membership service. It scans the whole {@code io.membership}
 * tree so the command side's aggregate and endpoints and the query side's projections are
 * found without either side knowing this module.
 */
@SpringBootApplication(scanBasePackages = "io.membership")
@ConfigurationPropertiesScan("io.membership")
public class MembershipApplication {

	/** What {@code --help} prints: the service and its commands. */
	static final String USAGE = String.join(System.lineSeparator(),
			"usage: java -jar membership.jar [--spring.property=value ...]      run the service",
			"       java -jar membership.jar verify --events EXPORT.ndjson [--checkpoints CHECKPOINTS.json --public-key KEY] [--histories]",
			"                                                                   verify an audit export offline (streamed; --histories",
			"                                                                   also prints every member's role history)",
			"       java -jar membership.jar rebuild-projections [--verify-only] [--spring.property=value ...]",
			"                                                                   rebuild (or compare) the query side's tables",
			"       java -jar membership.jar republish [--spring.property=value ...]",
			"                                                                   write the Kafka topics anew from the database",
			"       java -jar membership.jar --help | <command> --help",
			"Configuration: environment variables, see the README (\"Production configuration\").");

	/**
	 * Runs the service; {@code verify ...} instead runs the offline audit verifier, which
	 * needs no database, broker or configuration, and
	 * {@code rebuild-projections [--verify-only]} rebuilds (or checks) the query side's
	 * projections from the events topic, with the service's configuration, and
	 * {@code republish} writes the Kafka topics anew from the database. {@code --help}
	 * prints the usage; a word that is no command is refused (exit status 2) rather than
	 * taken for a start of the service.
	 */
	public static void main(String[] args) {
		Integer exitStatus = command(args, System.out, System.err);
		if (exitStatus != null) {
			System.exit(exitStatus);
		}
		SpringApplication.run(MembershipApplication.class, args);
	}

	/**
	 * Runs the command the arguments name and answers its exit status, or null when they
	 * ask for the service itself (no arguments, or only {@code --property=value}
	 * options).
	 */
	static Integer command(String[] args, PrintStream out, PrintStream err) {
		if (args.length == 0) {
			return null;
		}
		String first = args[0];
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
			out.println(USAGE);
			return 0;
		}
		if (first.equals("verify")) {
			return AuditVerifier.run(rest, out, err);
		}
		if (first.equals("rebuild-projections")) {
			return ProjectionRebuildCommand.run(rest, out, err);
		}
		if (first.equals("republish")) {
			return RepublishCommand.run(rest, out, err);
		}
		for (String arg : args) {
			if (!arg.startsWith("--") || arg.equals("--help")) {
				err.println("unknown command or argument '" + TextRules.escape(arg) + "'");
				err.println(USAGE);
				return 2;
			}
		}
		return null;
	}

}
