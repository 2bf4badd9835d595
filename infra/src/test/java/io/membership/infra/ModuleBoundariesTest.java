package io.membership.infra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package tree mirrors the architecture: the command side and the query side each
 * depend on the published language only, never on each other, so each can run and scale
 * on its own; neither knows the infrastructure that wires them.
 */
@AnalyzeClasses(packages = "io.membership", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {

	@ArchTest
	static final ArchRule the_command_side_does_not_depend_on_the_query_side = noClasses().that()
		.resideInAPackage("io.membership.command..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.query..");

	// allowEmptyShould: the query side may hold no classes yet, and must still never
	// reach over.
	@ArchTest
	static final ArchRule the_query_side_does_not_depend_on_the_command_side = noClasses().that()
		.resideInAPackage("io.membership.query..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.command..")
		.allowEmptyShould(true);

	@ArchTest
	static final ArchRule neither_side_depends_on_the_infrastructure = noClasses().that()
		.resideInAnyPackage("io.membership.command..", "io.membership.query..", "io.membership.events..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.infra..");

}
