package io.membership.command.organization;

/**
 * One item of a bulk command: the single command it stands for, or the refusal the
 * adapter already decided for it (an id that cannot be one of ours reads as unknown, as
 * it does on the single command's door). An item refused at the door keeps its place, so
 * the results stay in request order and {@code atomic} counts it.
 */
public record BulkItem<C>(C command, CommandRefusedException refusedAtDoor) {

	public static <C> BulkItem<C> of(C command) {
		return new BulkItem<>(command, null);
	}

	public static <C> BulkItem<C> refused(CommandRefusedException refusal) {
		return new BulkItem<>(null, refusal);
	}

}
