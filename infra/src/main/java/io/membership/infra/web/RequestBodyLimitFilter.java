package io.membership.infra.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over a sane limit (default 64 KiB; no single command needs more)
 * before anything reads them: declared lengths at once, chunked bodies as soon as they
 * cross it. The bulk requests ({@code POST .../bulk}) carry up to 1,000 items, so they
 * have a limit of their own (default 1 MiB, room for 1,000 items of about 1 KiB).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class RequestBodyLimitFilter extends OncePerRequestFilter {

	private final long limit;

	private final long bulkLimit;

	private final ProblemWriter problems;

	RequestBodyLimitFilter(@Value("${membership.http.max-body-size:64KB}") DataSize limit,
			@Value("${membership.http.max-bulk-body-size:1MB}") DataSize bulkLimit, ProblemWriter problems) {
		this.limit = limit.toBytes();
		this.bulkLimit = bulkLimit.toBytes();
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long limit = isBulk(request) ? this.bulkLimit : this.limit;
		if (request.getContentLengthLong() > limit) {
			this.problems.write(response, HttpStatus.BAD_REQUEST, "body_too_large",
					"The request body is larger than " + limit + " bytes.");
			return;
		}
		chain.doFilter(new LimitedRequest(request, limit), response);
	}

	private static boolean isBulk(HttpServletRequest request) {
		String path = request.getRequestURI();
		return "POST".equals(request.getMethod()) && path.startsWith("/api/organizations/") && path.endsWith("/bulk");
	}

	/** Thrown while reading a body that turns out larger than the limit. */
	public static class BodyTooLargeException extends IOException {

		BodyTooLargeException(long limit) {
			super("The request body is larger than " + limit + " bytes.");
		}

	}

	private static final class LimitedRequest extends HttpServletRequestWrapper {

		private final long limit;

		private ServletInputStream stream;

		LimitedRequest(HttpServletRequest request, long limit) {
			super(request);
			this.limit = limit;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (this.stream == null) {
				this.stream = new LimitedInputStream(super.getInputStream(), this.limit);
			}
			return this.stream;
		}

	}

	private static final class LimitedInputStream extends ServletInputStream {

		private final ServletInputStream delegate;

		private final long limit;

		private long read;

		LimitedInputStream(ServletInputStream delegate, long limit) {
			this.delegate = delegate;
			this.limit = limit;
		}

		@Override
		public int read() throws IOException {
			int next = this.delegate.read();
			if (next >= 0) {
				count(1);
			}
			return next;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int count = this.delegate.read(buffer, offset, length);
			if (count > 0) {
				count(count);
			}
			return count;
		}

		private void count(int bytes) throws BodyTooLargeException {
			this.read += bytes;
			if (this.read > this.limit) {
				throw new BodyTooLargeException(this.limit);
			}
		}

		@Override
		public boolean isFinished() {
			return this.delegate.isFinished();
		}

		@Override
		public boolean isReady() {
			return this.delegate.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			this.delegate.setReadListener(listener);
		}

	}

}
