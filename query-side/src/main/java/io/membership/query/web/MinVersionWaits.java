package io.membership.query.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.context.request.async.AsyncWebRequest;
import org.springframework.web.context.request.async.WebAsyncManager;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.query.view.PermissionView;

/**
 * Waits for {@code min_version} without holding a request thread, and lets a caller wait
 * with only a few requests at a time.
 *
 * <p>
 * A query runs its controller as usual. When the caller may read but the view is behind
 * {@code min_version}, {@link QueryContext} throws what {@link #waitFor} returns; this
 * resolver then starts the request's asynchronous processing (Spring MVC's own
 * {@link AsyncWebRequest}, as a {@code DeferredResult} would), gives the thread back to
 * Tomcat, and asks the {@link PermissionView} to call back when the organization reaches
 * the version. The callback, or the configured wait running out, dispatches the request
 * again: the controller then runs from the start, decides who may read once more on the
 * view at that version, and answers; or, the wait being over and the version not reached,
 * answers 503. Nothing is written before that second dispatch. Spring Security's context
 * is there again on it: the resource server keeps it in a request attribute.
 */
public final class MinVersionWaits implements HandlerExceptionResolver {

	private static final Logger logger = LoggerFactory.getLogger(MinVersionWaits.class);

	/**
	 * Set on a request that has waited, so that its second dispatch does not wait again.
	 */
	static final String WAITED_ATTRIBUTE = MinVersionWaits.class.getName() + ".WAITED";

	private final PermissionView view;

	private final Duration maxWait;

	private final int maxWaitingPerCaller;

	private final Map<UserId, Integer> waiting = new ConcurrentHashMap<>();

	/**
	 * @param maxWait how long a request waits for its version before it answers 503
	 * @param maxWaitingPerCaller how many requests of one caller may wait at a time
	 */
	MinVersionWaits(PermissionView view, Duration maxWait, int maxWaitingPerCaller) {
		this.view = view;
		this.maxWait = maxWait;
		this.maxWaitingPerCaller = maxWaitingPerCaller;
	}

	/**
	 * What a query whose caller may read throws when the view is behind the version it
	 * asked for: the signal to wait, if the request has not waited already and the caller
	 * has a wait left (else 429); or, after its wait, the 503.
	 */
	RuntimeException waitFor(QueryContext context, OrganizationId organization) {
		long version = context.minVersion();
		if (!context.mayWait()) {
			return QueryProblems.notYet(version, this.view.version(organization));
		}
		if (!admit(context.caller())) {
			return QueryProblems.tooManyWaiting(this.maxWaitingPerCaller);
		}
		return new Waiting(context.caller(), organization, version);
	}

	@Override
	public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		if (!(ex instanceof Waiting waiting)) {
			return null;
		}
		Wait wait = new Wait(waiting.caller);
		try {
			AsyncWebRequest async = asyncRequest(request, response);
			request.setAttribute(WAITED_ATTRIBUTE, Boolean.TRUE);
			async.setTimeout(this.maxWait.toMillis());
			async.addTimeoutHandler(() -> wait.end(async));
			async.addErrorHandler((failure) -> wait.forget());
			async.addCompletionHandler(wait::forget);
			async.startAsync();
			wait.forgetting(this.view.whenReached(waiting.organization, waiting.version, () -> wait.end(async)));
		}
		catch (RuntimeException failure) {
			wait.forget();
			throw failure;
		}
		return new ModelAndView();
	}

	/**
	 * The request's {@link AsyncWebRequest}, which Spring MVC made for the handler that
	 * threw, so that it knows the request went asynchronous.
	 */
	private static AsyncWebRequest asyncRequest(HttpServletRequest request, HttpServletResponse response) {
		WebAsyncManager manager = WebAsyncUtils.getAsyncManager(request);
		AsyncWebRequest async = manager.getAsyncWebRequest();
		if (async == null) {
			async = WebAsyncUtils.createAsyncWebRequest(request, response);
			manager.setAsyncWebRequest(async);
		}
		return async;
	}

	private boolean admit(UserId caller) {
		boolean[] admitted = { false };
		this.waiting.compute(caller, (id, count) -> {
			int now = (count != null) ? count : 0;
			if (now >= this.maxWaitingPerCaller) {
				return count;
			}
			admitted[0] = true;
			return now + 1;
		});
		return admitted[0];
	}

	private void release(UserId caller) {
		this.waiting.computeIfPresent(caller, (id, count) -> (count > 1) ? count - 1 : null);
	}

	/**
	 * Thrown by a query to wait for its version: it has passed every check the view could
	 * decide then, and holds one of its caller's waits.
	 */
	static final class Waiting extends RuntimeException {

		private final transient UserId caller;

		private final transient OrganizationId organization;

		private final long version;

		Waiting(UserId caller, OrganizationId organization, long version) {
			super("Waiting for version " + version, null, false, false);
			this.caller = caller;
			this.organization = organization;
			this.version = version;
		}

	}

	/** One request's wait: ended once, by its version or its time, and forgotten once. */
	private final class Wait {

		private final UserId caller;

		private final AtomicBoolean ended = new AtomicBoolean();

		private final AtomicBoolean forgotten = new AtomicBoolean();

		private volatile Runnable forgetCallback = () -> {
		};

		Wait(UserId caller) {
			this.caller = caller;
		}

		void forgetting(Runnable callback) {
			this.forgetCallback = callback;
			if (this.forgotten.get()) {
				callback.run();
			}
		}

		/** The version is reached or the time is up: the request runs again. */
		void end(AsyncWebRequest async) {
			if (!this.ended.compareAndSet(false, true)) {
				return;
			}
			forget();
			try {
				async.dispatch();
			}
			catch (IllegalStateException ex) {
				// The request was completed meanwhile (the client went away).
				logger.debug("Not dispatching a request that waited for its version: {}", ex.getMessage());
			}
		}

		/** Gives the caller's wait back and forgets the callback; once. */
		void forget() {
			if (this.forgotten.compareAndSet(false, true)) {
				release(this.caller);
				this.forgetCallback.run();
			}
		}

	}

}
