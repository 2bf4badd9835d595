package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * Removes a member from the organization, with all their workspace and project
 * memberships.
 */
public record RemoveMemberCommand(@TargetAggregateIdentifier OrganizationId organizationId, UserId userId,
		UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

}
