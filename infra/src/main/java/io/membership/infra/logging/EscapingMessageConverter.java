package io.membership.infra.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import io.membership.events.text.TextRules;

/**
 * {@code %m}, {@code %msg} and {@code %message} with every control character,
 * bidirectional control and unpaired surrogate written as a visible escape
 * ({@link TextRules#escape(CharSequence)}): a message may carry what a client sent (an
 * id, a header), which must not start a forged log line or drive the terminal of whoever
 * reads the log.
 */
public class EscapingMessageConverter extends MessageConverter {

	@Override
	public String convert(ILoggingEvent event) {
		return TextRules.escape(event.getFormattedMessage());
	}

}
