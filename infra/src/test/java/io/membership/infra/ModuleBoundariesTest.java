package io.membership.infra;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import io.membership.events.access.AccessRefusal;

/**
 * The package tree mirrors the architecture: the command side and the query side each
 * depend on the published language (and on what every REST door shares, web-support)
 * only, never on each other, so each can run and scale on its own; neither knows the
 * infrastructure that wires them, nor the audit trail. What the publisher and the query
 * side share about their records (topic names, the CloudEvents encoding, the MAC) is in
 * {@code topics}, which knows neither side. The audit trail alone builds the hash chain.
 * The query side's own layers are held by its {@code QuerySideArchitectureTest}.
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
				"io.membership.topics..", "io.membership.web..", "io.membership.audit..")
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
		.resideInAnyPackage("io.membership.topics..", "org.apache.kafka..", "io.cloudevents..")
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
		.resideInAnyPackage("io.membership.command..", "io.membership.query..", "io.membership.audit..");

	@ArchTest
	static final ArchRule neither_side_knows_the_audit_trail = noClasses().that()
		.resideInAnyPackage("io.membership.command..", "io.membership.query..", "io.membership.events..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.audit..");

	/**
	 * The audit trail asks the query side's permission view who is a member, as every
	 * query does; it reads none of the query side's tables, and nothing of the command
	 * side.
	 */
	@ArchTest
	static final ArchRule the_audit_trail_uses_only_the_query_sides_permission_view = noClasses().that()
		.resideInAPackage("io.membership.audit..")
		.should()
		.dependOnClassesThat(resideInAnyPackage("io.membership.command..", "io.membership.query..")
			.and(not(resideInAPackage("io.membership.query.view.."))));

	/**
	 * Only the audit trail computes hashes of the chain or writes its rows: the event
	 * store links each event through the audit trail's writer, and nothing else can put a
	 * row in the chain that the audit trail did not compute.
	 */
	@ArchTest
	static final ArchRule nothing_outside_the_audit_trail_builds_hash_chain_rows = noClasses().that()
		.resideOutsideOfPackage("io.membership.audit..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.membership.audit.chain..")
		.orShould(nameInTheirCode("event_hash_chain"));

	/**
	 * Every door refuses an unknown organization, member or workspace and a role that
	 * does not grant the action in the same words, so those codes are spelled in one
	 * place.
	 */
	@ArchTest
	static final ArchRule the_shared_refusals_are_spelled_once = noClasses().that()
		.doNotBelongToAnyOf(AccessRefusal.class)
		.should(spellInTheirCode(Arrays.stream(AccessRefusal.values()).map(AccessRefusal::code).toList()));

	/**
	 * A class whose compiled code holds the text (a SQL statement naming a table, a code
	 * string): what a dependency rule cannot see.
	 */
	private static ArchCondition<JavaClass> nameInTheirCode(String text) {
		byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
		return new ArchCondition<>("name \"" + text + "\" in their code") {
			@Override
			public void check(JavaClass type, ConditionEvents events) {
				boolean names = type.getSource().map((source) -> contains(classFile(source), wanted)).orElse(false);
				events.add(new SimpleConditionEvent(type, names,
						type.getName() + (names ? " names " : " does not name ") + "\"" + text + "\""));
			}
		};
	}

	/**
	 * A class whose compiled code holds one of the codes as a word of its own (a code
	 * within a longer one, such as {@code project_member_not_found}, is another code).
	 */
	private static ArchCondition<JavaClass> spellInTheirCode(List<String> codes) {
		return new ArchCondition<>("spell any of " + codes + " in their code") {
			@Override
			public void check(JavaClass type, ConditionEvents events) {
				byte[] code = type.getSource().map((source) -> classFile(source)).orElse(new byte[0]);
				for (String text : codes) {
					boolean spells = containsWord(code, text.getBytes(StandardCharsets.UTF_8));
					events.add(new SimpleConditionEvent(type, spells,
							type.getName() + (spells ? " spells " : " does not spell ") + "\"" + text + "\""));
				}
			}
		};
	}

	private static byte[] classFile(Source source) {
		try (InputStream in = source.getUri().toURL().openStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + source.getUri(), ex);
		}
	}

	private static boolean containsWord(byte[] bytes, byte[] wanted) {
		for (int i = 0; i + wanted.length <= bytes.length; i++) {
			if (Arrays.equals(bytes, i, i + wanted.length, wanted, 0, wanted.length)
					&& (i == 0 || !isWordByte(bytes[i - 1]))
					&& (i + wanted.length == bytes.length || !isWordByte(bytes[i + wanted.length]))) {
				return true;
			}
		}
		return false;
	}

	private static boolean isWordByte(byte b) {
		return b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
	}

	private static boolean contains(byte[] bytes, byte[] wanted) {
		for (int i = 0; i + wanted.length <= bytes.length; i++) {
			if (Arrays.equals(bytes, i, i + wanted.length, wanted, 0, wanted.length)) {
				return true;
			}
		}
		return false;
	}

}
