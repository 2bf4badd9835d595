package io.membership.events.contract;

import java.util.regex.Pattern;

import com.networknt.schema.ExecutionContext;
import com.networknt.schema.format.Format;

/**
 * JSON Schema's {@code idn-email} by its grammar alone: RFC 6531's Mailbox (RFC 5321's,
 * with UTF-8 allowed in the local part and the domain).
 *
 * <p>
 * The validator's own email formats also check the top-level domain against IANA's list,
 * which the format's definition does not ask for; they refuse addresses the API accepts,
 * such as {@code anna@acme.test}.
 */
final class IdnEmailFormat implements Format {

	private static final String NON_ASCII = "[^\\x00-\\x7F]";

	private static final String ATEXT = "(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|" + NON_ASCII + ")";

	private static final String DOT_STRING = ATEXT + "+(?:\\." + ATEXT + "+)*";

	private static final String QUOTED_STRING = "\"(?:[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\\x20-\\x7E]|" + NON_ASCII
			+ ")*\"";

	private static final String LET_DIG = "(?:[A-Za-z0-9]|" + NON_ASCII + ")";

	private static final String SUB_DOMAIN = LET_DIG + "(?:(?:[A-Za-z0-9-]|" + NON_ASCII + ")*" + LET_DIG + ")?";

	private static final String ADDRESS_LITERAL = "\\[[\\x21-\\x5A\\x5E-\\x7E]+\\]";

	private static final Pattern MAILBOX = Pattern.compile("(?:" + DOT_STRING + "|" + QUOTED_STRING + ")@(?:"
			+ SUB_DOMAIN + "(?:\\." + SUB_DOMAIN + ")*|" + ADDRESS_LITERAL + ")");

	@Override
	public String getName() {
		return "idn-email";
	}

	@Override
	public boolean matches(ExecutionContext executionContext, String value) {
		return MAILBOX.matcher(value).matches();
	}

}
