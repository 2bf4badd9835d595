package io.membership.command.organization;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * What every command to an Organization carries besides its own fields: the authenticated
 * actor, the request's correlation id (both recorded on the events), and optionally the
 * version the caller last saw ({@code If-Match}), null when the caller does not care.
 */
public interface OrganizationCommand {

	OrganizationId organizationId();

	UserId actorUserId();

	String correlationId();

	Long expectedVersion();

}
