package io.membership.infra.support;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import io.membership.infra.support.ApiClient.Answer;

/**
 * One random command of the conflicting mix that concurrency tests send at one
 * organization: role changes (both endpoints), ownership transfers (mostly by whoever the
 * clients believe is the Owner), deactivations, activations and the Owner demoting
 * themself. Many are refused; what matters is that the rules hold for those that are not.
 *
 * @param actor who sends it
 * @param method the HTTP method
 * @param path the path below the organization's
 * @param body the JSON body
 * @param description what it asks, for failure messages
 */
public record ConflictingCommand(long actor, String method, String path, String body, String description) {

	private static final String[] ASSIGNABLE = { "AD", "MA", "RE", "AN" };

	private static final String[] LABEL_STUDIO_ROLES = { "AD", "MA", "RE", "AN", "DI", "OW" };

	/**
	 * Draws a command: the actor from {@code actors}, its target from {@code targets}, an
	 * ownership transfer between {@code owners}; the reason carries the correlation id.
	 */
	public static ConflictingCommand random(Random random, List<Long> owners, List<Long> actors, List<Long> targets,
			AtomicLong believedOwner, String correlationId) {
		int dice = random.nextInt(100);
		long actor = pick(random, actors);
		long target = pick(random, targets);
		if (dice < 25) {
			String role = pick(random, ASSIGNABLE);
			return new ConflictingCommand(actor, "POST", "/memberships/" + target + "/role",
					"{\"role\":\"" + role + "\",\"reason\":\"" + correlationId + "\"}",
					actor + " changes the role of " + target + " to " + role);
		}
		if (dice < 40) {
			String role = pick(random, LABEL_STUDIO_ROLES);
			return new ConflictingCommand(actor, "PATCH", "/memberships",
					"{\"user_id\":" + target + ",\"role\":\"" + role + "\"}",
					actor + " sets the role of " + target + " to " + role);
		}
		if (dice < 60) {
			long transferor = (random.nextInt(10) < 7) ? believedOwner.get() : pick(random, owners);
			long newOwner = pick(random, owners);
			return new ConflictingCommand(transferor, "POST", "/ownership", "{\"user_id\":" + newOwner + "}",
					transferor + " transfers ownership to " + newOwner);
		}
		if (dice < 70) {
			return new ConflictingCommand(actor, "POST", "/memberships/" + target + "/deactivate",
					"{\"reason\":\"" + correlationId + "\"}", actor + " deactivates " + target);
		}
		if (dice < 85) {
			String role = pick(random, ASSIGNABLE);
			return new ConflictingCommand(actor, "POST", "/memberships/" + target + "/activate",
					"{\"role\":\"" + role + "\"}", actor + " activates " + target + " as " + role);
		}
		long owner = believedOwner.get();
		String role = pick(random, ASSIGNABLE);
		return new ConflictingCommand(owner, "POST", "/memberships/" + owner + "/role", "{\"role\":\"" + role + "\"}",
				owner + " (the Owner, they believe) demotes themself to " + role);
	}

	/**
	 * Sends it as {@code client} (the actor's) to the organization, with the correlation
	 * id and, if given, {@code If-Match}; an accepted transfer updates who the clients
	 * believe is the Owner.
	 */
	public Answer send(ApiClient client, TestOrganization organization, String correlationId, Long ifMatch,
			AtomicLong believedOwner) {
		ApiClient sender = client.withHeader("X-Correlation-Id", correlationId);
		if (ifMatch != null) {
			sender = sender.withHeader("If-Match", "\"" + ifMatch + "\"");
		}
		Answer answer = sender.send(this.method, organization.path() + this.path, this.body);
		if (accepted(answer) && this.path.equals("/ownership")) {
			believedOwner.set(answer.json().get("owner_user_id").asLong());
		}
		return answer;
	}

	/** What it asks, with the version it was conditional on. */
	public String describe(Long ifMatch) {
		return (ifMatch != null) ? this.description + " if at version " + ifMatch : this.description;
	}

	public static boolean accepted(Answer answer) {
		return answer.status() >= 200 && answer.status() < 300;
	}

	private static <T> T pick(Random random, List<T> values) {
		return values.get(random.nextInt(values.size()));
	}

	private static String pick(Random random, String[] values) {
		return values[random.nextInt(values.length)];
	}

}
