package io.membership.infra.security;

import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

import io.membership.events.Limits;
import io.membership.events.text.TextRules;

/**
 * The token's {@code email} claim is stored (the Owner's address on OrganizationCreated),
 * so it is held to exactly what a request body's {@code email} field is held to before
 * anything uses it: a string obeying the text rules, a well-formed address
 * ({@code @Email}) of at most 254 characters. A token whose claim is anything else is
 * invalid (401), on every request, so it is never stored; a token without the claim is
 * fine.
 */
final class EmailClaimValidator implements OAuth2TokenValidator<Jwt> {

	static final String CLAIM = "email";

	/** The limit of the request bodies' e-mail fields and of the projection's column. */
	static final int MAX_LENGTH = Limits.EMAIL;

	private final Validator validator;

	EmailClaimValidator(Validator validator) {
		this.validator = validator;
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt jwt) {
		Object claim = jwt.getClaims().get(CLAIM);
		if (claim == null) {
			return OAuth2TokenValidatorResult.success();
		}
		if (!(claim instanceof String email)) {
			return refused("The token's email claim must be a string.");
		}
		var violation = TextRules.violation(email, TextRules.Kind.LINE);
		if (violation.isPresent()) {
			return refused(violation.get().describe("The token's email claim"));
		}
		if (!this.validator.validate(new EmailClaim(email)).isEmpty()) {
			return refused(
					"The token's email claim must be an e-mail address of at most " + MAX_LENGTH + " characters.");
		}
		return OAuth2TokenValidatorResult.success();
	}

	private static OAuth2TokenValidatorResult refused(String description) {
		return OAuth2TokenValidatorResult.failure(new TokenRuleError(description));
	}

	/** The claim under the same constraints as the request bodies' {@code email}. */
	record EmailClaim(@NotBlank @Email @Size(max = MAX_LENGTH) String email) {
	}

}
