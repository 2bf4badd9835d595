package io.membership.web;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.membership.events.Limits;

/**
 * The correlation id of a request: the caller's {@value #HEADER} if it is a valid one,
 * else one made up for the request once, by the filter that puts it in the log lines
 * (under {@value #MDC_KEY}) and in the request's {@value #ATTRIBUTE} attribute, so that
 * the id a command records is the one its log lines carry.
 */
public final class CorrelationIds {

	public static final String HEADER = "X-Correlation-Id";

	/** The key of the request's correlation id in the logging MDC. */
	public static final String MDC_KEY = "correlationId";

	/** The request attribute holding the id made up for a request that sent none. */
	public static final String ATTRIBUTE = CorrelationIds.class.getName() + ".generated";

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:/+=-]{1," + Limits.CORRELATION_ID + "}");

	private CorrelationIds() {
	}

	/** Whether a caller's header is a correlation id the service records as it is. */
	public static boolean isValid(String header) {
		return header != null && VALID.matcher(header).matches();
	}

	/**
	 * A random (version 4) UUID. A correlation id only has to tell requests apart, it
	 * guards nothing, so it is drawn from the thread's own generator rather than
	 * {@link UUID#randomUUID()}'s shared {@code SecureRandom}, which every request
	 * without an id of its own (a permission check, typically) would otherwise pass
	 * through.
	 */
	public static String newId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long high = (random.nextLong() & ~0xF000L) | 0x4000L;
		long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(high, low).toString();
	}

}
