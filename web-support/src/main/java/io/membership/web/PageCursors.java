package io.membership.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * The opaque {@code cursor} of a paged answer, newest first: the position of the last
 * entry a page held, below which the next page starts, behind a prefix that names the
 * listing, base64url-encoded so that clients treat it as a token rather than a number.
 */
public final class PageCursors {

	private final String prefix;

	/**
	 * @param prefix what sets this listing's cursors apart from another's
	 */
	public PageCursors(String prefix) {
		this.prefix = prefix;
	}

	/** The cursor of the page after the one whose last entry was at this position. */
	public String encode(long lastPosition) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString((this.prefix + lastPosition).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The position below which the next page starts, or null for the first page (no
	 * cursor).
	 * @throws ErrorResponseException 400 {@code invalid_cursor} for anything this listing
	 * did not answer
	 */
	public Long decode(String cursor) {
		if (cursor == null || cursor.isBlank()) {
			return null;
		}
		try {
			String decoded = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
			if (decoded.startsWith(this.prefix)) {
				long position = Long.parseLong(decoded.substring(this.prefix.length()));
				if (position > 0) {
					return position;
				}
			}
		}
		catch (IllegalArgumentException ex) {
			// answered below; NumberFormatException is one too
		}
		throw Problems.exception(HttpStatus.BAD_REQUEST, "invalid_cursor", "Invalid request",
				"cursor must be a next_cursor this service answered.");
	}

}
