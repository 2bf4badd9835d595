package io.membership.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Every event type has its own method on {@link MembershipEventVisitor} and calls it, so
 * a new event type cannot be added without every visitor (the member states, the activity
 * log's summaries, the projection's routes to its writers, the permission view) saying
 * what it means: they fail to compile until they do. infra's {@code EventHandlersTest}
 * lists them.
 */
class MembershipEventVisitorTest {

	@Test
	void the_visitor_has_exactly_one_method_for_every_event_type() {
		List<Class<?>> visited = Arrays.stream(MembershipEventVisitor.class.getDeclaredMethods())
			.filter((method) -> method.getName().equals("on"))
			.map((method) -> method.getParameterTypes()[0])
			.toList();

		assertThat(visited).doesNotHaveDuplicates()
			.containsExactlyInAnyOrder(MembershipEvent.class.getPermittedSubclasses());
		assertThat(MembershipEventVisitor.class.getDeclaredMethods())
			.allSatisfy((method) -> assertThat(method.isDefault()).as("%s has no default", method).isFalse());
	}

	@Test
	void every_event_type_calls_its_own_method_of_the_visitor() throws ReflectiveOperationException {
		for (Class<?> type : MembershipEvent.class.getPermittedSubclasses()) {
			Method accept = type.getMethod("accept", MembershipEventVisitor.class);
			assertThat(accept.getDeclaringClass()).as("%s declares accept itself", type.getSimpleName())
				.isEqualTo(type);
		}
	}

}
