package io.membership.command.organization;

import java.util.Set;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * Forgets a person's e-mail address in one organization (API.md, "Removing a member;
 * erasing a person's data"). The caller's right to ask (the {@code membership:erasure}
 * scope) is checked by the adapter; the organization decides which of its invitations
 * were sent to the person.
 *
 * @param addresses the person's addresses as the service knows them (from its personal
 * data), to find the invitations sent to them; used for the decision only, never recorded
 * @param actorUserId the user who asked, or null for a service principal
 * @param requestedBy the user id or the service principal's client id
 */
public record ErasePersonalDataCommand(@TargetAggregateIdentifier OrganizationId organizationId, UserId userId,
		Set<String> addresses, UserId actorUserId, String requestedBy,
		String correlationId) implements OrganizationCommand {

	public ErasePersonalDataCommand {
		addresses = Set.copyOf(addresses);
	}

	/** An erasure is never conditional on the version the caller saw. */
	@Override
	public Long expectedVersion() {
		return null;
	}

	/** Leaves the addresses out, so that no log line or error message carries one. */
	@Override
	public String toString() {
		return "ErasePersonalDataCommand[organizationId=" + this.organizationId + ", userId=" + this.userId
				+ ", requestedBy=" + this.requestedBy + "]";
	}

}
