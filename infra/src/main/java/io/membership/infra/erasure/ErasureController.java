package io.membership.infra.erasure;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.membership.audit.personal.PersonalData;
import io.membership.command.organization.ErasePersonalDataCommand;
import io.membership.command.web.CommandContext;
import io.membership.events.AddressKeptApart;
import io.membership.events.Limits;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.text.FreeText;
import io.membership.web.Caller;
import io.membership.web.Problems;

/**
 * {@code POST /api/users/{user_id}/erasure} (API.md, "Removing a member; erasing a
 * person's data"): for a service with the {@code membership:erasure} scope. Every
 * organization the person belongs or belonged to, as member or invitee, records a
 * PersonalDataErased, which forgets their address there (the event store nulls it in the
 * personal data in the same transaction). The reason is validated as every reason is, and
 * kept nowhere: it could name the person.
 *
 * <p>
 * A join or invitation racing the erasure: a join by the same user id records no address
 * once the user key is erased (it stays erased); an invitation to one of the person's
 * addresses stored while the erasure runs is found by the next round, which asks the
 * organizations again until none is left (at most {@value #ROUNDS} rounds).
 */
@RestController
@RequestMapping("/api")
class ErasureController {

	private static final int ROUNDS = 5;

	private final PersonalData personalData;

	private final CommandGateway commands;

	private final JdbcClient jdbc;

	ErasureController(PersonalData personalData, CommandGateway commands, JdbcClient jdbc) {
		this.personalData = personalData;
		this.commands = commands;
		this.jdbc = jdbc;
	}

	@PostMapping(path = "/users/{userId}/erasure", produces = MediaType.APPLICATION_JSON_VALUE)
	Answer erase(@PathVariable long userId, @Valid @RequestBody Request body, CommandContext context) {
		Caller caller = context.caller();
		if (!caller.hasScope(Caller.ERASURE_SCOPE)) {
			throw Problems.exception(HttpStatus.FORBIDDEN, "erasure_scope_required", null,
					"Erasing a person's data needs the membership:erasure scope.");
		}
		if (userId <= 0) {
			throw Problems.exception(HttpStatus.BAD_REQUEST, "invalid_user_id", "Invalid request",
					"user_id must be a positive integer.");
		}
		UserId user = UserId.of(userId);
		if (!this.personalData.knows(user) && this.personalData.erasure(user).isEmpty()) {
			throw Problems.exception(HttpStatus.NOT_FOUND, "user_not_found", null,
					"No organization has ever had user " + user + " as a member or the owner.");
		}
		// Known before the first organization forgets them: the addresses the invitations
		// to the person were sent to. Held for the request only.
		Set<String> addresses = new HashSet<>();
		this.personalData.email(AddressKeptApart.userKey(user)).ifPresent(addresses::add);
		String requestedBy = (caller.userId() != null) ? caller.userId().toString() : caller.principal();
		for (int round = 0; round < ROUNDS; round++) {
			Set<String> organizations = this.personalData.organizationsToErase(user, addresses);
			if (organizations.isEmpty()) {
				break;
			}
			for (String organization : organizations) {
				this.commands.sendAndWait(new ErasePersonalDataCommand(new OrganizationId(organization), user,
						addresses, caller.userId(), requestedBy, context.correlationId()));
			}
		}
		forgetStoredResponsesNaming(addresses);
		return this.personalData.erasure(user)
			.map((erasure) -> new Answer(userId, List.copyOf(erasure.organizations()), erasure.erasedAt()))
			.orElseGet(() -> new Answer(userId, List.of(), null));
	}

	/**
	 * Answers kept for a retry with the same {@code Idempotency-Key} (a day at most) may
	 * show the address (an invitation's answer does): they are forgotten, and such a
	 * retry is decided afresh. Few rows, and a rare request: they are read and matched
	 * here, alike on PostgreSQL and H2.
	 */
	private void forgetStoredResponsesNaming(Set<String> addresses) {
		if (addresses.isEmpty()) {
			return;
		}
		List<String[]> naming = this.jdbc
			.sql("SELECT caller, idempotency_key, response_body FROM idempotency_keys WHERE response_body IS NOT NULL")
			.query((row,
					number) -> new String[] { row.getString(1), row.getString(2),
							new String(row.getBytes(3), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT) })
			.list()
			.stream()
			.filter((row) -> addresses.stream()
				.anyMatch((address) -> row[2].contains(address.toLowerCase(Locale.ROOT))))
			.toList();
		for (String[] row : naming) {
			this.jdbc.sql("DELETE FROM idempotency_keys WHERE caller = ? AND idempotency_key = ?")
				.params(row[0], row[1])
				.update();
		}
	}

	/** The body: why (validated as every reason is, and never stored). */
	record Request(@FreeText @Size(max = Limits.REASON) String reason) {
	}

	/**
	 * The organizations that recorded the erasure, and when the first did; the same
	 * whenever asked again.
	 */
	record Answer(long userId, List<String> organizations, Instant erasedAt) {
	}

}
