package io.membership.command.organization;

import java.util.Objects;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.IDNA;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import com.ibm.icu.util.ULocale;

/**
 * An e-mail address as the Organization compares it (API.md, "Hardening"): in one
 * normalized form, Unicode NFKC in lower case (root locale) with the domain in IDNA ASCII
 * form (UTS #46), so {@code INFO@BÜCHER.test}, fullwidth {@code ｉnfo@bücher.test} and
 * {@code info@xn--bcher-kva.test} are one address; and, to tell look-alikes apart from
 * different people, by its confusable skeleton (UTS #39), under which {@code ınfo},
 * {@code İnfo} and Cyrillic {@code іnfo} all read {@code info}.
 *
 * <p>
 * Only the comparison is normalized: events keep the address as the client gave it, and
 * the forms here are computed again whenever state is built, so a later Unicode version
 * (an ICU upgrade) applies to old history too. Every step uses ICU's Unicode data, never
 * the JDK's, so the forms do not change with the Java version.
 *
 * <p>
 * Never fails: stored events may hold text that is no valid address (an e-mail claim
 * taken unchecked before the hardening), and replaying them must still work. A domain
 * that IDNA cannot map is compared as written, and text without {@code @} as a whole.
 */
public final class EmailAddress {

	private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();

	/**
	 * Nontransitional: {@code ß} and the joiners stay themselves, as IDNA2008 and current
	 * browsers have it. Immutable, so one instance serves every thread, as does the spoof
	 * checker's skeleton.
	 */
	private static final IDNA IDNA_UTS46 = IDNA
		.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.NONTRANSITIONAL_TO_UNICODE);

	private static final SpoofChecker SPOOF_CHECKER = new SpoofChecker.Builder().build();

	private static final int COMBINING_DOT_ABOVE = 0x0307;

	private final String normalized;

	private final String skeleton;

	private EmailAddress(String normalized, String skeleton) {
		this.normalized = normalized;
		this.skeleton = skeleton;
	}

	public static EmailAddress of(String address) {
		Objects.requireNonNull(address, "address");
		String text = UCharacter.toLowerCase(ULocale.ROOT, NFKC.normalize(address));
		int at = text.lastIndexOf('@');
		if (at < 0) {
			return new EmailAddress(text, skeleton(text));
		}
		String local = text.substring(0, at);
		String domain = text.substring(at + 1);
		String asciiDomain = idna(domain, true);
		if (asciiDomain == null) {
			return new EmailAddress(text, skeleton(text));
		}
		// Look-alikes are seen in the characters people read, not in their punycode.
		String unicodeDomain = Objects.requireNonNullElse(idna(asciiDomain, false), domain);
		return new EmailAddress(local + "@" + asciiDomain, skeleton(local + "@" + unicodeDomain));
	}

	/** The form addresses are compared in: NFKC, lower case, the domain in IDNA ASCII. */
	public String normalized() {
		return this.normalized;
	}

	/**
	 * The confusable skeleton: equal for two addresses that differ only by look-alike
	 * characters.
	 */
	public String skeleton() {
		return this.skeleton;
	}

	/** Whether the two addresses read the same to a person: equal skeletons. */
	public boolean looksLike(EmailAddress other) {
		return this.skeleton.equals(other.skeleton);
	}

	/** Equal normalized forms: the same address, written alike. */
	@Override
	public boolean equals(Object other) {
		return other instanceof EmailAddress address && this.normalized.equals(address.normalized);
	}

	@Override
	public int hashCode() {
		return this.normalized.hashCode();
	}

	@Override
	public String toString() {
		return this.normalized;
	}

	/**
	 * The domain in ASCII ({@code toAscii}) or Unicode form, or null if IDNA refuses it.
	 */
	private static String idna(String domain, boolean toAscii) {
		StringBuilder mapped = new StringBuilder(domain.length() + 16);
		IDNA.Info info = new IDNA.Info();
		if (toAscii) {
			IDNA_UTS46.nameToASCII(domain, mapped, info);
		}
		else {
			IDNA_UTS46.nameToUnicode(domain, mapped, info);
		}
		return info.hasErrors() ? null : mapped.toString();
	}

	/**
	 * UTS #39's skeleton, less a combining dot above on a soft-dotted letter: root-locale
	 * lower case turns {@code İ} into {@code i} plus that dot, which the letter's own dot
	 * hides, and the skeleton keeps it.
	 */
	private static String skeleton(String text) {
		String skeleton = SPOOF_CHECKER.getSkeleton(text);
		StringBuilder visible = new StringBuilder(skeleton.length());
		int previous = -1;
		for (int index = 0; index < skeleton.length();) {
			int codePoint = skeleton.codePointAt(index);
			index += Character.charCount(codePoint);
			if (codePoint == COMBINING_DOT_ABOVE && previous >= 0
					&& UCharacter.hasBinaryProperty(previous, UProperty.SOFT_DOTTED)) {
				continue;
			}
			visible.appendCodePoint(codePoint);
			previous = codePoint;
		}
		return visible.toString();
	}

}
