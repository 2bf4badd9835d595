package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/** Hands ownership to an active member; the Owner becomes an Administrator. */
public record TransferOwnershipCommand(@TargetAggregateIdentifier OrganizationId organizationId, UserId newOwnerUserId,
		UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

}
