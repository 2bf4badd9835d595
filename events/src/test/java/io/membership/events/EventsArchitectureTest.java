package io.membership.events;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.axonframework.serialization.Revision;

/**
 * The published language is a plain library that downstream Java services may depend on
 * alone: no Spring, and of Axon nothing but the {@code @Revision} annotation.
 */
@AnalyzeClasses(packages = "io.membership.events", importOptions = ImportOption.DoNotIncludeTests.class)
class EventsArchitectureTest {

	@ArchTest
	static final ArchRule events_do_not_depend_on_spring = noClasses().should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework..")
		.because("downstream services may depend on the events artifact alone");

	@ArchTest
	static final ArchRule events_use_nothing_of_axon_but_the_revision_annotation = noClasses().should()
		.dependOnClassesThat(resideInAPackage("org.axonframework..").and(not(equivalentTo(Revision.class))));

	@ArchTest
	static final ArchRule events_do_not_know_the_sides = noClasses().should()
		.dependOnClassesThat()
		.resideInAnyPackage("io.membership.command..", "io.membership.query..", "io.membership.infra..",
				"io.membership.topics..");

}
