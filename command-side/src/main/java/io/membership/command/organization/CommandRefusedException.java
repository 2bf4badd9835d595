package io.membership.command.organization;

/**
 * The Organization refused a command; nothing was recorded. Carries a {@link Refusal} so
 * adapters answer with a stable code instead of a message to parse.
 */
public class CommandRefusedException extends RuntimeException {

	private final Refusal refusal;

	public CommandRefusedException(Refusal refusal, String detail) {
		super(detail);
		this.refusal = refusal;
	}

	public CommandRefusedException(Refusal refusal) {
		this(refusal, refusal.title());
	}

	public Refusal refusal() {
		return this.refusal;
	}

}
