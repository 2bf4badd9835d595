package io.membership.command.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How invitations look to the people who receive them.
 *
 * @param urlTemplate the sign-up URL of the upstream app; {@code {token}} is replaced by
 * the invitation token
 * @param timeToLive how long a personal invitation stays valid
 */
@ConfigurationProperties("membership.invitations")
public record InvitationSettings(@DefaultValue("http://localhost:8080/user/signup/?token={token}") String urlTemplate,
		@DefaultValue("7d") Duration timeToLive) {

	public String urlFor(String token) {
		return this.urlTemplate.replace("{token}", token);
	}

}
