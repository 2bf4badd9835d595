package io.membership.command.organization;

import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

/** Matches a {@link CommandRefusedException} by its machine-readable refusal. */
final class RefusalMatcher extends TypeSafeMatcher<CommandRefusedException> {

	private final Refusal expected;

	private RefusalMatcher(Refusal expected) {
		this.expected = expected;
	}

	static Matcher<CommandRefusedException> refusedWith(Refusal expected) {
		return new RefusalMatcher(expected);
	}

	@Override
	protected boolean matchesSafely(CommandRefusedException exception) {
		return exception.refusal() == this.expected;
	}

	@Override
	public void describeTo(Description description) {
		description.appendText("a command refused with " + this.expected);
	}

	@Override
	protected void describeMismatchSafely(CommandRefusedException exception, Description description) {
		description.appendText("was refused with " + exception.refusal() + ": " + exception.getMessage());
	}

}
