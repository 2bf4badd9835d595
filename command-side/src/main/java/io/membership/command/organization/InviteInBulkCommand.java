package io.membership.command.organization;

import java.util.List;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * Many invitations in one command, so they are decided in order against one load of the
 * organization and stored in one unit of work. Each item is the single invitation command
 * it stands for, with the request's actor and correlation id and no expected version: the
 * request's {@code If-Match} ({@link #expectedVersion}) is held to the organization
 * before the first item. With {@code atomic}, one refused item stores none.
 */
public record InviteInBulkCommand(@TargetAggregateIdentifier OrganizationId organizationId,
		List<BulkItem<InviteUserCommand>> invitations, boolean atomic, UserId actorUserId, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

	public InviteInBulkCommand {
		invitations = List.copyOf(invitations);
	}

}
