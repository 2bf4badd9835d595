package io.membership.query;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Data flows one way through the query side: Kafka -> {@code feed} (or {@code rebuild})
 * -> {@code projection} (the version gate, then one writer per view) -> tables ->
 * {@code read} and {@code view} -> {@code web}. So the controllers see the projections
 * only through reads and views, the writers run only behind the gate, and only the feed
 * and the rebuild know there is a Kafka topic.
 */
@AnalyzeClasses(packages = "io.membership.query", importOptions = ImportOption.DoNotIncludeTests.class)
class QuerySideArchitectureTest {

	@ArchTest
	static final ArchRule controllers_depend_only_on_the_reads_and_views_of_the_query_side = classes().that()
		.resideInAPackage("io.membership.query.web..")
		.should()
		.onlyDependOnClassesThat(resideOutsideOfPackage("io.membership.query..").or(resideInAnyPackage(
				"io.membership.query.web..", "io.membership.query.read..", "io.membership.query.view..")))
		.because("a controller answers from what the projection wrote, never by writing or replaying it");

	@ArchTest
	static final ArchRule the_writers_live_in_the_projection_and_only_it_runs_them = classes().that()
		.haveSimpleNameEndingWith("Writer")
		.should()
		.resideInAPackage("io.membership.query.projection")
		.andShould()
		.notBePublic()
		.because("an event reaches a view only once the version gate let it through, which MembershipProjection "
				+ "asks before it runs the writers");

	@ArchTest
	static final ArchRule only_the_feed_and_the_rebuild_read_kafka = noClasses().that()
		.resideOutsideOfPackages("io.membership.query.feed..", "io.membership.query.rebuild..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.apache.kafka..", "io.membership.topics..");

	@ArchTest
	static final ArchRule nothing_but_the_rebuild_depends_on_the_feed = noClasses().that()
		.resideOutsideOfPackages("io.membership.query.feed..", "io.membership.query.rebuild..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.query.feed..");

	@ArchTest
	static final ArchRule nothing_in_the_query_side_depends_on_the_rebuild = noClasses().that()
		.resideOutsideOfPackage("io.membership.query.rebuild..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.query.rebuild..");

}
