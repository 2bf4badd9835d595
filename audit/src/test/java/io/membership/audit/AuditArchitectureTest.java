package io.membership.audit;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * An auditor runs the verifier offline, on an export, with nothing of the service: the
 * verifier and the definition of the chain it recomputes need only Java, Jackson and the
 * events jar, also through every class they reach. (The events' {@code @Revision}
 * annotation is Axon's, but an annotation missing at run time is ignored.)
 */
@AnalyzeClasses(packages = "io.membership", importOptions = ImportOption.DoNotIncludeTests.class)
class AuditArchitectureTest {

	@ArchTest
	static final ArchRule the_verifier_and_the_chain_need_nothing_of_the_service = noClasses().that()
		.resideInAnyPackage("io.membership.audit.verify..", "io.membership.audit.chain..")
		.should()
		.transitivelyDependOnClassesThat(
				resideInAnyPackage("org.springframework..", "org.axonframework..", "org.apache.kafka..", "jakarta..",
						"org.slf4j..")
					.and(not(name("org.axonframework.serialization.Revision"))))
		.because("auditors run the verifier with the audit and events jars and Jackson alone");

}
