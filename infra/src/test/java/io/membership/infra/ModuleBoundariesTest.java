package io.membership.infra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package tree mirrors the architecture: the command side and the query side each
 * depend on the published language only, never on each other, so each can run and scale
 * on its own; neither knows the infrastructure that wires them. What the publisher and
 * the query side share about their records (topic names, the CloudEvents encoding, the
 * MAC) is in {@code topics}, which knows neither side. The query side's own layers are
 * held by its {@code QuerySideArchitectureTest}.
 */
@AnalyzeClasses(packages = "io.membership", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {

	@ArchTest
	static final ArchRule the_command_side_does_not_depend_on_the_query_side = noClasses().that()
		.resideInAPackage("io.membership.command..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.query..");

	@ArchTest
	static final ArchRule the_query_side_does_not_depend_on_the_command_side = noClasses().that()
		.resideInAPackage("io.membership.query..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.command..");

	@ArchTest
	static final ArchRule neither_side_depends_on_the_infrastructure = noClasses().that()
		.resideInAnyPackage("io.membership.command..", "io.membership.query..", "io.membership.events..",
				"io.membership.topics..", "io.membership.web..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.infra..");

	// Implied by the rule above, and stated because they lived in infra until they were
	// found to need nothing of it: infra only wires them to the service's Kafka, record
	// key and database (QuerySideConfiguration, ProjectionRebuildCommand).
	@ArchTest
	static final ArchRule the_query_sides_feed_and_rebuild_do_not_depend_on_the_infrastructure = noClasses().that()
		.resideInAnyPackage("io.membership.query.feed..", "io.membership.query.rebuild..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.infra..");

	@ArchTest
	static final ArchRule the_command_side_knows_nothing_of_kafka = noClasses().that()
		.resideInAPackage("io.membership.command..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("io.membership.topics..", "org.apache.kafka..")
		.because("the command side records events; the publisher in infra puts them on the topics");

	@ArchTest
	static final ArchRule the_shared_records_know_neither_side = noClasses().that()
		.resideInAPackage("io.membership.topics..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("io.membership.command..", "io.membership.query..");

	/**
	 * What every REST door shares (problem details, the caller) sits below the sides, so
	 * both can use it without reaching each other.
	 */
	@ArchTest
	static final ArchRule the_web_support_knows_neither_side = noClasses().that()
		.resideInAPackage("io.membership.web..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("io.membership.command..", "io.membership.query..");

}
