package io.membership.infra.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

import io.membership.events.text.TextRules;

/**
 * Spring Boot's {@code %wEx} with the message of each exception (and of its causes and
 * suppressed exceptions) escaped as {@link EscapingMessageConverter} escapes a log
 * message; the stack trace keeps its lines.
 */
public class EscapingThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

	@Override
	protected String throwableProxyToString(IThrowableProxy proxy) {
		return super.throwableProxyToString(EscapedThrowableProxy.of(proxy));
	}

	/** A throwable as logback sees it, with its messages escaped. */
	private record EscapedThrowableProxy(IThrowableProxy proxy) implements IThrowableProxy {

		static IThrowableProxy of(IThrowableProxy proxy) {
			return (proxy != null) ? new EscapedThrowableProxy(proxy) : null;
		}

		@Override
		public String getMessage() {
			return TextRules.escape(this.proxy.getMessage());
		}

		@Override
		public String getOverridingMessage() {
			return TextRules.escape(this.proxy.getOverridingMessage());
		}

		@Override
		public String getClassName() {
			return this.proxy.getClassName();
		}

		@Override
		public StackTraceElementProxy[] getStackTraceElementProxyArray() {
			return this.proxy.getStackTraceElementProxyArray();
		}

		@Override
		public int getCommonFrames() {
			return this.proxy.getCommonFrames();
		}

		@Override
		public IThrowableProxy getCause() {
			return of(this.proxy.getCause());
		}

		@Override
		public IThrowableProxy[] getSuppressed() {
			IThrowableProxy[] suppressed = this.proxy.getSuppressed();
			if (suppressed == null) {
				return null;
			}
			IThrowableProxy[] escaped = new IThrowableProxy[suppressed.length];
			for (int i = 0; i < suppressed.length; i++) {
				escaped[i] = of(suppressed[i]);
			}
			return escaped;
		}

		@Override
		public boolean isCyclic() {
			return this.proxy.isCyclic();
		}

	}

}
