package io.membership.command.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;

/**
 * Turns invitation and invite-link ids into the tokens users receive, and back. A token
 * is the id it stands for plus an HMAC-SHA256 under a key only this service holds, so
 * events, Kafka and audit exports can carry the ids without letting their readers join an
 * organization, and a token cannot be forged or altered. Rotating the key invalidates
 * every outstanding token.
 */
public class InvitationTokens {

	private static final String ALGORITHM = "HmacSHA256";

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private final SecretKeySpec key;

	public InvitationTokens(byte[] key) {
		if (key.length < 32) {
			throw new IllegalArgumentException("the invitation token key must be at least 256 bits");
		}
		this.key = new SecretKeySpec(key.clone(), ALGORITHM);
	}

	public String forInvitation(OrganizationId organization, InvitationId invitation) {
		return sign("i:" + organization + ":" + invitation);
	}

	public String forInviteLink(OrganizationId organization, InviteLinkId link) {
		return sign("l:" + organization + ":" + link);
	}

	/**
	 * The invitation or link a token stands for, or empty if it is malformed or forged.
	 */
	public Optional<Admission> read(String token) {
		if (token == null || token.length() > 512) {
			return Optional.empty();
		}
		int dot = token.indexOf('.');
		if (dot < 0) {
			return Optional.empty();
		}
		byte[] payload;
		byte[] signature;
		try {
			payload = DECODER.decode(token.substring(0, dot));
			signature = DECODER.decode(token.substring(dot + 1));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
		if (!MessageDigest.isEqual(signature, mac(payload))) {
			return Optional.empty();
		}
		String[] parts = new String(payload, StandardCharsets.UTF_8).split(":", 3);
		if (parts.length != 3) {
			return Optional.empty();
		}
		OrganizationId organization = new OrganizationId(parts[1]);
		return switch (parts[0]) {
			case "i" -> Optional.of(new Admission(organization, new InvitationId(parts[2]), null));
			case "l" -> Optional.of(new Admission(organization, null, new InviteLinkId(parts[2])));
			default -> Optional.empty();
		};
	}

	private String sign(String payload) {
		byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
		return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
	}

	private byte[] mac(byte[] payload) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			return mac.doFinal(payload);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every Java runtime", ex);
		}
	}

	/** Exactly one of {@code invitationId} and {@code inviteLinkId} is set. */
	public record Admission(OrganizationId organizationId, InvitationId invitationId, InviteLinkId inviteLinkId) {
	}

}
