package io.membership.infra.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 spoken by hand over a socket, so that a request can carry what a well-behaved
 * client library refuses to send: raw bytes in the path and in header values, duplicate
 * headers, restricted headers. One connection per request ({@code Connection: close}).
 */
final class RawHttp {

	private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.[01] (\\d{3})");

	private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"");

	private RawHttp() {
	}

	/**
	 * Sends one request; {@code target} and header values are written as the bytes given,
	 * {@code Content-Length} is always the body's true length.
	 */
	static Response send(int port, String method, byte[] target, List<Map.Entry<String, byte[]>> headers, byte[] body) {
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		write(request, method.getBytes(StandardCharsets.US_ASCII));
		write(request, new byte[] { ' ' });
		write(request, target);
		write(request, " HTTP/1.1\r\nHost: localhost:%d\r\nConnection: close\r\n".formatted(port)
			.getBytes(StandardCharsets.US_ASCII));
		for (Map.Entry<String, byte[]> header : headers) {
			write(request, (header.getKey() + ": ").getBytes(StandardCharsets.US_ASCII));
			write(request, header.getValue());
			write(request, new byte[] { '\r', '\n' });
		}
		if (body != null) {
			write(request, ("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		}
		write(request, new byte[] { '\r', '\n' });
		if (body != null) {
			write(request, body);
		}
		long started = System.nanoTime();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			try {
				out.write(request.toByteArray());
				out.flush();
			}
			catch (IOException refusedEarly) {
				// The server may answer and close before reading a body it refuses (too
				// large); its answer is still there to read.
			}
			byte[] answer = readAll(socket.getInputStream());
			long millis = (System.nanoTime() - started) / 1_000_000;
			String text = new String(answer, StandardCharsets.ISO_8859_1);
			Matcher status = STATUS.matcher(text);
			if (!status.find()) {
				return new Response(-1, null, null, millis, text.isEmpty() ? "closed without an answer" : text);
			}
			int headerEnd = text.indexOf("\r\n\r\n");
			String head = (headerEnd >= 0) ? text.substring(0, headerEnd) : text;
			String contentType = head.lines()
				.filter((line) -> line.regionMatches(true, 0, "Content-Type:", 0, 13))
				.map((line) -> line.substring(13).trim())
				.findFirst()
				.orElse(null);
			String rest = (headerEnd >= 0) ? text.substring(headerEnd + 4) : "";
			Matcher code = CODE.matcher(rest);
			return new Response(Integer.parseInt(status.group(1)), contentType, code.find() ? code.group(1) : null,
					millis, null);
		}
		catch (IOException ex) {
			long millis = (System.nanoTime() - started) / 1_000_000;
			return new Response(-1, null, null, millis, ex.toString());
		}
	}

	private static byte[] readAll(InputStream in) throws IOException {
		ByteArrayOutputStream answer = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		int read;
		while ((read = in.read(buffer)) >= 0) {
			answer.write(buffer, 0, read);
		}
		return answer.toByteArray();
	}

	private static void write(ByteArrayOutputStream out, byte[] bytes) {
		out.write(bytes, 0, bytes.length);
	}

	/**
	 * The answer: its status (-1 when the connection closed without one), content type
	 * and the problem's {@code code} where the body has one.
	 */
	record Response(int status, String contentType, String code, long millis, String failure) {

		boolean isProblem() {
			return this.contentType != null && this.contentType.startsWith("application/problem+json");
		}

	}

}
