package io.membership.infra.web;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Recognises a failure that means "the database cannot be reached right now", however it
 * arrives: Spring's translations (a connection the pool could not get, a transaction that
 * could not begin or end), the driver's own exceptions (SQL state class 08, connection
 * exception; 57P, the server shutting down or not accepting connections yet; 53, out of
 * resources), or any of these wrapped by Axon's event store. Such a request is answered
 * 503 with {@code Retry-After}: the service itself is fine and recovers by itself when
 * the database is back, so the caller should simply try again.
 */
public final class DatabaseUnavailable {

	/** The problem {@code code} of such an answer. */
	public static final String CODE = "database_unavailable";

	/** Seconds a client should wait before retrying. */
	public static final String RETRY_AFTER_SECONDS = "2";

	public static final HttpStatus STATUS = HttpStatus.SERVICE_UNAVAILABLE;

	public static final String TITLE = "Database unavailable";

	public static final String DETAIL = "The database cannot be reached right now, so the request could not be "
			+ "completed. Retry in a few seconds.";

	private static final int MAX_CAUSES = 32;

	private DatabaseUnavailable() {
	}

	/** Whether this failure, or anything it wraps, is the database being unreachable. */
	public static boolean causedBy(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
			if (isUnavailable(cause)) {
				return true;
			}
			if (cause instanceof SQLException sql && sql.getNextException() != null
					&& isUnavailable(sql.getNextException())) {
				return true;
			}
			cause = (cause.getCause() != cause) ? cause.getCause() : null;
		}
		return false;
	}

	private static boolean isUnavailable(Throwable failure) {
		if (failure instanceof DataAccessResourceFailureException || failure instanceof TransientDataAccessException
				|| failure instanceof CannotCreateTransactionException
				|| failure instanceof TransactionSystemException) {
			return true;
		}
		if (failure instanceof SQLTransientException || failure instanceof SQLNonTransientConnectionException
				|| failure instanceof SQLRecoverableException) {
			return true;
		}
		if (failure instanceof SQLException sql && sql.getSQLState() != null) {
			String state = sql.getSQLState();
			return state.startsWith("08") || state.startsWith("57P") || state.startsWith("53");
		}
		return false;
	}

}
