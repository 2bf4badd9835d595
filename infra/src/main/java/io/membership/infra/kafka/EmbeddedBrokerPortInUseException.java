package io.membership.infra.kafka;

/** The embedded broker's port is taken by another process. */
public class EmbeddedBrokerPortInUseException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int port;

	EmbeddedBrokerPortInUseException(String host, int port, Throwable cause) {
		super("The embedded Kafka broker cannot listen on " + host + ":" + port + ": the port is in use.", cause);
		this.port = port;
	}

	public int port() {
		return this.port;
	}

}
