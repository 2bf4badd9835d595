package io.membership.infra.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on the loopback interface in front of one server, which the test can cut:
 * {@link #cut()} resets every open connection and from then on closes every new one as
 * soon as it is accepted, as a database behind a failed network link would look to its
 * clients; {@link #restore()} lets connections through again. Two pump threads per
 * connection, one each way.
 */
final class TcpProxy implements AutoCloseable {

	private final String targetHost;

	private final int targetPort;

	private final ServerSocket server;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger refused = new AtomicInteger();

	private final AtomicInteger forwarded = new AtomicInteger();

	private volatile boolean cut;

	private volatile boolean closed;

	TcpProxy(String targetHost, int targetPort) {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		try {
			this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread acceptor = new Thread(this::accept, "tcp-proxy-" + port());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	/** Resets every open connection and refuses new ones until {@link #restore()}. */
	void cut() {
		this.cut = true;
		this.open.forEach(TcpProxy::reset);
		this.open.clear();
	}

	void restore() {
		this.cut = false;
	}

	/** Connections closed on arrival while cut. */
	int refused() {
		return this.refused.get();
	}

	/** Connections forwarded to the server. */
	int forwarded() {
		return this.forwarded.get();
	}

	@Override
	public void close() {
		this.closed = true;
		cut();
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// Closing anyway.
		}
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (this.cut) {
				this.refused.incrementAndGet();
				reset(client);
				continue;
			}
			Socket upstream = new Socket();
			try {
				upstream.connect(new InetSocketAddress(this.targetHost, this.targetPort), 2000);
			}
			catch (IOException ex) {
				reset(client);
				reset(upstream);
				continue;
			}
			this.forwarded.incrementAndGet();
			this.open.add(client);
			this.open.add(upstream);
			pump(client, upstream);
			pump(upstream, client);
		}
	}

	private void pump(Socket from, Socket to) {
		Thread pump = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// Either side went away, or the proxy was cut.
			}
			finally {
				reset(from);
				reset(to);
				this.open.remove(from);
				this.open.remove(to);
			}
		}, "tcp-proxy-pump");
		pump.setDaemon(true);
		pump.start();
	}

	/** Closes with a TCP reset rather than an orderly close, as a broken link does. */
	private static void reset(Socket socket) {
		try {
			if (!socket.isClosed()) {
				socket.setSoLinger(true, 0);
				socket.close();
			}
		}
		catch (IOException ex) {
			// Already gone.
		}
	}

}
