package io.membership.infra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import com.tngtech.archunit.core.domain.InstanceofCheck;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.axonframework.eventsourcing.EventSourcingHandler;

import io.membership.command.organization.Organization;
import io.membership.events.MembershipEvent;
import io.membership.events.MembershipEventVisitor;

/**
 * Every place in the service that acts on an event by its type, and what makes each
 * handle every type, so that adding an event type without handling it somewhere fails the
 * build or this test:
 * <ul>
 * <li>the {@link #VISITORS}: {@link MembershipEventVisitor} has a method per type and no
 * default, so each fails to compile until it says what a new type means to it;</li>
 * <li>the {@link Organization} aggregate, which Axon calls by annotation: it must source
 * every type;</li>
 * <li>and nowhere else tells types apart with {@code instanceof}, which would skip a new
 * type without a word.</li>
 * </ul>
 * Those that treat every type alike need nothing: the timeline's, the organization roles'
 * history's and the activity log's writers (whose type-dependent parts are visitors), the
 * publisher, the audit trail. The example consumer, outside the service, dispatches
 * through a visitor too.
 */
@AnalyzeClasses(packages = "io.membership", importOptions = ImportOption.DoNotIncludeTests.class)
class EventHandlersTest {

	/** The service's visitors of the events: the handlers of each event type. */
	static final List<String> VISITORS = List.of(
			// How members' states change: for the query side, the roles topic, and any
			// reader of the stream.
			"io.membership.events.state.MemberStates$NextStates",
			// Which of the query side's writers each event goes to, and the activity
			// log's
			// sentences.
			"io.membership.query.projection.EventRoutes", "io.membership.query.projection.ActivitySummaries",
			// The key of the address an event refers to, in the query side's personal
			// data.
			"io.membership.query.projection.PersonalDataProjection$AddressKeys",
			// The permission view's workspaces and projects.
			"io.membership.query.view.PermissionView$OrganizationView$WorkspacesAndProjects");

	@ArchTest
	static void the_visitors_of_the_events_are_the_listed_handlers(JavaClasses classes) {
		List<String> visitors = classes.stream()
			.filter((type) -> !type.isInterface() && type.isAssignableTo(MembershipEventVisitor.class))
			.map(JavaClass::getName)
			.toList();

		assertThat(visitors).containsExactlyInAnyOrderElementsOf(VISITORS);
	}

	@ArchTest
	static void the_organization_aggregate_sources_every_event_type(JavaClasses classes) {
		List<String> sourced = classes.get(Organization.class)
			.getMethods()
			.stream()
			.filter((method) -> method.isAnnotatedWith(EventSourcingHandler.class))
			.map(JavaMethod::getRawParameterTypes)
			.map((parameters) -> parameters.get(0).getName())
			.toList();

		assertThat(sourced).doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(
					Arrays.stream(MembershipEvent.class.getPermittedSubclasses()).map(Class::getName).toList());
	}

	/**
	 * The version gate's one test is no dispatch: an organization's row, which holds its
	 * version, is made from the event that starts its stream, and any other first event
	 * is a gap.
	 */
	@ArchTest
	static final ArchRule nothing_tells_event_types_apart_with_instanceof = noClasses().that()
		.resideOutsideOfPackage("io.membership.events..")
		.and()
		.doNotHaveFullyQualifiedName("io.membership.query.projection.VersionGate")
		.should(tellEventTypesApartWithInstanceof())
		.because("a new event type would be skipped there without a word; dispatch through MembershipEventVisitor");

	private static ArchCondition<JavaClass> tellEventTypesApartWithInstanceof() {
		return new ArchCondition<>("tell event types apart with instanceof") {
			@Override
			public void check(JavaClass type, ConditionEvents events) {
				for (JavaCodeUnit unit : type.getCodeUnits()) {
					for (InstanceofCheck check : unit.getInstanceofChecks()) {
						JavaClass checked = check.getRawType();
						boolean eventType = checked.isAssignableTo(MembershipEvent.class)
								&& !checked.isEquivalentTo(MembershipEvent.class);
						events.add(new SimpleConditionEvent(check, eventType, unit.getFullName() + " checks instanceof "
								+ checked.getSimpleName() + " " + check.getSourceCodeLocation()));
					}
				}
			}
		};
	}

}
