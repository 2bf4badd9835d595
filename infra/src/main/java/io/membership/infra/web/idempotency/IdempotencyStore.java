package io.membership.infra.web.idempotency;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Claims idempotency keys and keeps the answers given under them. The primary key
 * (caller, key) decides which of two concurrent requests with the same key runs; the
 * other finds the claim.
 */
@Repository
class IdempotencyStore {

	private final JdbcClient jdbc;

	private final Clock clock;

	IdempotencyStore(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/**
	 * Claims the key for this request, or returns what an earlier request with the same
	 * key left: its answer, or a claim still in progress.
	 */
	Optional<Earlier> claim(String caller, String key, String fingerprint, Duration abandonedAfter) {
		Instant now = this.clock.instant();
		try {
			this.jdbc
				.sql("INSERT INTO idempotency_keys (caller, idempotency_key, request_fingerprint, created_at) "
						+ "VALUES (?, ?, ?, ?)")
				.params(caller, key, fingerprint, Timestamp.from(now))
				.update();
			return Optional.empty();
		}
		catch (DuplicateKeyException claimed) {
			Earlier earlier = find(caller, key);
			if (earlier.inProgress() && earlier.createdAt().isBefore(now.minus(abandonedAfter))
					&& takeOver(caller, key, fingerprint, earlier.createdAt(), now)) {
				return Optional.empty();
			}
			return Optional.of(earlier);
		}
	}

	void complete(String caller, String key, int status, String headers, byte[] body) {
		this.jdbc
			.sql("UPDATE idempotency_keys SET response_status = ?, response_headers = ?, response_body = ?, "
					+ "completed_at = ? WHERE caller = ? AND idempotency_key = ?")
			.params(status, headers, body, Timestamp.from(this.clock.instant()), caller, key)
			.update();
	}

	/** Forgets a claim whose request failed on our side, so a retry runs again. */
	void release(String caller, String key) {
		this.jdbc.sql("DELETE FROM idempotency_keys WHERE caller = ? AND idempotency_key = ?")
			.params(caller, key)
			.update();
	}

	int purgeOlderThan(Instant cutoff) {
		return this.jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < ?")
			.params(Timestamp.from(cutoff))
			.update();
	}

	private Earlier find(String caller, String key) {
		return this.jdbc
			.sql("SELECT request_fingerprint, response_status, response_headers, response_body, created_at "
					+ "FROM idempotency_keys WHERE caller = ? AND idempotency_key = ?")
			.params(caller, key)
			.query((row, number) -> new Earlier(row.getString(1).trim(), (Integer) row.getObject(2), row.getString(3),
					row.getBytes(4), row.getTimestamp(5).toInstant()))
			.single();
	}

	private boolean takeOver(String caller, String key, String fingerprint, Instant claimedAt, Instant now) {
		return this.jdbc
			.sql("UPDATE idempotency_keys SET request_fingerprint = ?, created_at = ? "
					+ "WHERE caller = ? AND idempotency_key = ? AND created_at = ? AND response_status IS NULL")
			.params(fingerprint, Timestamp.from(now), caller, key, Timestamp.from(claimedAt))
			.update() == 1;
	}

	/** What an earlier request with the same key left behind. */
	record Earlier(String fingerprint, Integer status, String headers, byte[] body, Instant createdAt) {

		boolean inProgress() {
			return this.status == null;
		}

	}

}
