package io.membership.infra.web;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A client that stops sending its request body holds a request thread until the body-read
 * timeout ({@code server.tomcat.connection-timeout}), and Tomcat then answers 408. But
 * Tomcat then reads on for the rest of the body before it closes the connection, waiting
 * the same timeout a second time: each stalled client held a thread twice as long as
 * configured. After a 408 the connection is closed at once instead, once the answer is
 * sent, as Tomcat does for an upload it refuses.
 */
@Configuration(proxyBeanMethods = false)
class StalledRequestBodies {

	@Bean
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> closeAfterABodyReadTimeout() {
		return (factory) -> factory.addEngineValves(new CloseAfterRequestTimeoutValve());
	}

	static final class CloseAfterRequestTimeoutValve extends ValveBase {

		CloseAfterRequestTimeoutValve() {
			super(true);
		}

		@Override
		public void invoke(Request request, Response response) throws IOException, ServletException {
			getNext().invoke(request, response);
			if (response.getStatus() == HttpServletResponse.SC_REQUEST_TIMEOUT && !request.isAsync()) {
				request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
			}
		}

	}

}
