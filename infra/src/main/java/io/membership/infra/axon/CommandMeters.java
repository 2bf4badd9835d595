package io.membership.infra.axon;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.ExecutionResult;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;

import io.membership.command.organization.CommandRefusedException;

/**
 * Times every command the organization handles, as {@value #NAME} tagged with the
 * command's {@code type} and its {@code outcome}: {@code accepted} (its events were
 * stored), {@code refused} (a domain rule or a precondition said no, or there is no such
 * organization: the caller's business), {@code conflict} (it lost the race to append to a
 * concurrent writer, and is retried) or {@code failed} (anything else, such as an
 * unreachable database: the operator's business).
 *
 * <p>
 * The outcome is read when the unit of work is cleaned up, so a failure to store the
 * events (which happens after the handler returned) counts as the command's.
 */
class CommandMeters implements MessageHandlerInterceptor<CommandMessage<?>> {

	static final String NAME = "membership.commands";

	private final MeterRegistry registry;

	/**
	 * The timer of each (type, outcome) seen so far: registering one builds its id, sorts
	 * its tags and runs the registry's filters before finding the meter already there, on
	 * the request thread of every command; the handful of pairs is found here instead.
	 */
	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	CommandMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain interceptorChain)
			throws Exception {
		long started = System.nanoTime();
		String type = unitOfWork.getMessage().getPayloadType().getSimpleName();
		unitOfWork.onCleanup((done) -> timer(type, outcome(done.getExecutionResult()))
			.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
		return interceptorChain.proceed();
	}

	private Timer timer(String type, String outcome) {
		return this.timers.computeIfAbsent(type + ' ' + outcome,
				(key) -> Timer.builder(NAME)
					.description("Commands handled, by type and outcome")
					.tag("type", type)
					.tag("outcome", outcome)
					.register(this.registry));
	}

	static String outcome(ExecutionResult result) {
		if (result == null || !result.isExceptionResult()) {
			return "accepted";
		}
		Throwable failure = result.getExceptionResult();
		if (failure instanceof CommandRefusedException || failure instanceof AggregateNotFoundException) {
			return "refused";
		}
		if (failure instanceof ConcurrencyException) {
			return "conflict";
		}
		return "failed";
	}

}
