package io.membership.infra.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Marker;

/**
 * Keeps clients' mistakes out of the log. Axon warns, with a full stack trace (about 18
 * KB), whenever a command names an organization that does not exist; that is a client
 * error the API answers with 404 {@code organization_not_found}, so the warning is
 * dropped. Any other failure to load an organization is still logged.
 */
public class ClientErrorLogFilter extends TurboFilter {

	static final String AXON_REPOSITORY = "org.axonframework.modelling.command.AbstractRepository";

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
			Throwable thrown) {
		if (logger == null || !AXON_REPOSITORY.equals(logger.getName())) {
			return FilterReply.NEUTRAL;
		}
		Throwable failure = thrown;
		if (failure == null && params != null && params.length > 0
				&& params[params.length - 1] instanceof Throwable last) {
			failure = last;
		}
		return (failure instanceof AggregateNotFoundException) ? FilterReply.DENY : FilterReply.NEUTRAL;
	}

}
