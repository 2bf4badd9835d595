package io.membership.infra.web.idempotency;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.web.DatabaseUnavailable;
import io.membership.infra.web.ProblemWriter;
import io.membership.infra.web.RequestBodyLimitFilter;

/**
 * {@code Idempotency-Key} on POST, PATCH and DELETE: the first request with a key runs
 * and its answer is kept (per caller, for a day); a retry with the same key and the same
 * request gets that answer again and runs nothing, so it stores nothing new. The same key
 * with a different request is refused (422), and a retry while the first is still running
 * is told to come back (409). A request that failed on our side (5xx) releases its key;
 * while the database is unreachable the key cannot be claimed and the answer is 503.
 *
 * <p>
 * Runs after Spring Security's filters, so the caller is known and an unauthenticated
 * request never claims a key.
 */
@Component
public class IdempotencyFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(IdempotencyFilter.class);

	static final String HEADER = "Idempotency-Key";

	private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

	private static final Set<String> METHODS = Set.of("POST", "PATCH", "DELETE");

	private static final List<String> REPLAYED_HEADERS = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.ETAG,
			HttpHeaders.LOCATION, "X-Correlation-Id");

	private final IdempotencyStore store;

	private final ProblemWriter problems;

	private final JsonMapper json;

	private final Clock clock;

	private final Duration retention;

	private final Duration abandonedAfter;

	IdempotencyFilter(IdempotencyStore store, ProblemWriter problems, JsonMapper json, Clock clock,
			@Value("${membership.idempotency.retention:24h}") Duration retention,
			@Value("${membership.idempotency.abandoned-after:5m}") Duration abandonedAfter) {
		this.store = store;
		this.problems = problems;
		this.json = json;
		this.clock = clock;
		this.retention = retention;
		this.abandonedAfter = abandonedAfter;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return request.getHeader(HEADER) == null || !METHODS.contains(request.getMethod())
				|| !request.getRequestURI().startsWith("/api/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String key = request.getHeader(HEADER);
		Authentication caller = SecurityContextHolder.getContext().getAuthentication();
		if (caller == null || !caller.isAuthenticated()) {
			chain.doFilter(request, response);
			return;
		}
		if (!VALID_KEY.matcher(key).matches()) {
			this.problems.write(response, HttpStatus.BAD_REQUEST, "invalid_idempotency_key",
					"Idempotency-Key must be 1 to 255 visible ASCII characters.");
			return;
		}
		byte[] body;
		try {
			body = request.getInputStream().readAllBytes();
		}
		catch (RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
			this.problems.write(response, HttpStatus.BAD_REQUEST, "body_too_large", tooLarge.getMessage());
			return;
		}
		String fingerprint = fingerprint(request, body);
		Optional<IdempotencyStore.Earlier> earlier;
		try {
			earlier = this.store.claim(caller.getName(), key, fingerprint, this.abandonedAfter);
		}
		catch (RuntimeException failure) {
			if (!DatabaseUnavailable.causedBy(failure)) {
				throw failure;
			}
			logger.warn("Answering 503, the database is unavailable to claim an Idempotency-Key: {}",
					failure.getMessage());
			response.setHeader(HttpHeaders.RETRY_AFTER, DatabaseUnavailable.RETRY_AFTER_SECONDS);
			this.problems.write(response, DatabaseUnavailable.STATUS, DatabaseUnavailable.CODE,
					DatabaseUnavailable.DETAIL);
			return;
		}
		if (earlier.isPresent()) {
			answerAgain(earlier.get(), fingerprint, request, response);
			return;
		}
		ContentCachingResponseWrapper recorded = new ContentCachingResponseWrapper(response);
		boolean answered = false;
		try {
			chain.doFilter(new ReplayableBodyRequest(request, body), recorded);
			if (recorded.getStatus() < 500) {
				keep(caller.getName(), key, recorded);
				answered = true;
			}
		}
		finally {
			try {
				if (!answered) {
					release(caller.getName(), key);
				}
			}
			finally {
				recorded.copyBodyToResponse();
			}
		}
	}

	/**
	 * Keeps the answer under its key. If the database went away since the command ran,
	 * the answer still goes out and the claim stays in progress: a retry is told to wait
	 * (409) until the claim counts as abandoned, rather than running the command again.
	 */
	private void keep(String caller, String key, ContentCachingResponseWrapper recorded) {
		try {
			this.store.complete(caller, key, recorded.getStatus(), headersOf(recorded),
					recorded.getContentAsByteArray());
		}
		catch (RuntimeException failure) {
			if (!DatabaseUnavailable.causedBy(failure)) {
				throw failure;
			}
			logger.warn("Could not keep the answer to an Idempotency-Key, the database is unavailable: {}",
					failure.getMessage());
		}
	}

	/**
	 * Releases the key of a request that failed on our side, so a retry runs again. If
	 * the database is away the claim stays until it counts as abandoned.
	 */
	private void release(String caller, String key) {
		try {
			this.store.release(caller, key);
		}
		catch (RuntimeException failure) {
			if (!DatabaseUnavailable.causedBy(failure)) {
				throw failure;
			}
			logger.warn("Could not release an Idempotency-Key, the database is unavailable: {}", failure.getMessage());
		}
	}

	private void answerAgain(IdempotencyStore.Earlier earlier, String fingerprint, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		if (!earlier.fingerprint().equals(fingerprint)) {
			this.problems.write(response, HttpStatus.UNPROCESSABLE_CONTENT, "idempotency_key_reused",
					"This Idempotency-Key was used for a different request.");
			return;
		}
		if (earlier.inProgress()) {
			response.setHeader(HttpHeaders.RETRY_AFTER, "1");
			this.problems.write(request, response, HttpStatus.CONFLICT, "idempotency_key_in_progress",
					"A request with this Idempotency-Key is still being processed.");
			return;
		}
		response.setStatus(earlier.status());
		this.json.readValue(earlier.headers(), new TypeReference<Map<String, String>>() {
		}).forEach(response::setHeader);
		response.setHeader("Idempotent-Replayed", "true");
		if (earlier.body() != null) {
			response.getOutputStream().write(earlier.body());
		}
	}

	private String headersOf(ContentCachingResponseWrapper response) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (String name : REPLAYED_HEADERS) {
			String value = response.getHeader(name);
			if (value != null) {
				headers.put(name, value);
			}
		}
		return this.json.writeValueAsString(headers);
	}

	private static String fingerprint(HttpServletRequest request, byte[] body) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update((request.getMethod() + " " + request.getRequestURI() + "?" + request.getQueryString() + "\n")
				.getBytes(StandardCharsets.UTF_8));
			digest.update(body);
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

	@Scheduled(fixedDelayString = "${membership.idempotency.purge-every:1h}", initialDelayString = "1m")
	void purgeExpiredKeys() {
		this.store.purgeOlderThan(this.clock.instant().minus(this.retention));
	}

	/** Hands the already-read body to the rest of the chain. */
	private static final class ReplayableBodyRequest extends HttpServletRequestWrapper {

		private final byte[] body;

		ReplayableBodyRequest(HttpServletRequest request, byte[] body) {
			super(request);
			this.body = body;
		}

		@Override
		public ServletInputStream getInputStream() {
			ByteArrayInputStream bytes = new ByteArrayInputStream(this.body);
			return new ServletInputStream() {

				@Override
				public int read() {
					return bytes.read();
				}

				@Override
				public int read(byte[] buffer, int offset, int length) {
					return bytes.read(buffer, offset, length);
				}

				@Override
				public boolean isFinished() {
					return bytes.available() == 0;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
					throw new UnsupportedOperationException("the body is already in memory");
				}

			};
		}

	}

}
