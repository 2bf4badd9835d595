package io.membership.infra.web;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import io.membership.web.Problems;

/**
 * Problem details for the errors the servlet container answers itself, so that no client
 * ever gets an HTML page or Spring Boot's own error JSON:
 * <ul>
 * <li>requests Tomcat refuses while still reading them (bytes not allowed in the request
 * line, headers over its 8 KiB limit), which never reach a servlet and are reported by
 * the host's error valve;</li>
 * <li>errors sent with {@code sendError} outside Spring MVC's exception handlers (a
 * {@code TRACE} request, which Tomcat refuses with 405), which the container forwards to
 * {@code /error}.</li>
 * </ul>
 * {@code /error} asked for directly (it is open, so that forwarded errors of anonymous
 * requests can be answered) is 404, as for any path that serves nothing.
 */
@Configuration(proxyBeanMethods = false)
class ContainerErrors {

	/**
	 * Replaces the error valve Spring Boot adds to Tomcat's host, hence the lowest
	 * precedence: this runs after Boot's customizer has added its own.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorValve(JsonMapper json) {
		return (factory) -> factory.addContextCustomizers((context) -> {
			StandardHost host = (StandardHost) context.getParent();
			for (Valve valve : host.getPipeline().getValves()) {
				if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
					host.getPipeline().removeValve(valve);
				}
			}
			host.getPipeline().addValve(new ProblemReportValve(json));
			// The host adds a valve of this class when it starts unless it finds one.
			host.setErrorReportValveClass(ProblemReportValve.class.getName());
		});
	}

	/** Tomcat's error report as problem details instead of an HTML page. */
	static final class ProblemReportValve extends ErrorReportValve {

		private final JsonMapper json;

		ProblemReportValve(JsonMapper json) {
			this.json = json;
		}

		@Override
		protected void report(Request request, Response response, Throwable throwable) {
			int status = response.getStatus();
			// The same guards as Tomcat's own report: not an error, already answered, or
			// reported by another valve.
			if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
				return;
			}
			Map<String, Object> problem = problemFor(HttpStatusCode.valueOf(status));
			try {
				response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
				response.setCharacterEncoding("UTF-8");
				Writer writer = response.getReporter();
				if (writer != null) {
					writer.write(this.json.writeValueAsString(problem));
					response.finishResponse();
				}
			}
			catch (IOException | IllegalStateException ex) {
				// The client is gone or the response cannot take a body: nothing to add.
			}
		}

	}

	/**
	 * {@code /error}, where the container forwards what was sent with {@code sendError};
	 * it replaces Spring Boot's, which answers JSON of another shape. The content type is
	 * set here, so the answer is the same whatever the client's {@code Accept} said.
	 */
	@RestController
	static final class ProblemErrorController implements ErrorController {

		@RequestMapping("/error")
		ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
			Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
			// Asked for directly, not forwarded by the container: there is no such
			// resource to serve.
			HttpStatusCode status = (code == null) ? HttpStatus.NOT_FOUND
					: (code instanceof Integer value && value >= 400) ? HttpStatusCode.valueOf(value)
							: HttpStatus.INTERNAL_SERVER_ERROR;
			return ResponseEntity.status(status)
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.body(problemFor(status));
		}

	}

	/**
	 * The problem for a status the container chose: a 400 at this level is a request
	 * Tomcat could not read, the same refusal as the firewall's.
	 */
	static Map<String, Object> problemFor(HttpStatusCode status) {
		if (status.value() == HttpStatus.BAD_REQUEST.value()) {
			return Problems.body(status, "request_rejected", Problems.REQUEST_REJECTED_DETAIL);
		}
		HttpStatus known = HttpStatus.resolve(status.value());
		return Problems.body(status, Problems.defaultCode(status),
				(known != null) ? known.getReasonPhrase() + "." : "The request failed.");
	}

}
