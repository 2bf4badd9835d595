package io.membership.command.web;

import org.springframework.http.HttpStatus;

import io.membership.command.organization.Refusal;

/**
 * The HTTP status of each kind of refusal: one definition for the problem a single
 * command answers and for the status of a bulk item refused the same way.
 */
public final class RefusalStatus {

	private RefusalStatus() {
	}

	public static HttpStatus of(Refusal refusal) {
		return switch (refusal.kind()) {
			case NOT_FOUND -> HttpStatus.NOT_FOUND;
			case FORBIDDEN -> HttpStatus.FORBIDDEN;
			case CONFLICT -> HttpStatus.CONFLICT;
			case PRECONDITION_FAILED -> HttpStatus.PRECONDITION_FAILED;
		};
	}

}
