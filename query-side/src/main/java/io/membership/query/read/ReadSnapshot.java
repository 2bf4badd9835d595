package io.membership.query.read;

import java.util.function.Supplier;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a query's reads in one read-only, repeatable-read transaction, so every statement
 * sees the projection tables as they stood at one moment: the {@code version} a query
 * answers with is then exactly the version of the rows it answers. Under PostgreSQL's
 * default (read committed) each statement would see its own moment, and an event applied
 * between reading the rows and reading the version would make the answer claim a version
 * its rows do not reflect.
 */
@Component
public class ReadSnapshot {

	private final TransactionTemplate transactions;

	public ReadSnapshot(PlatformTransactionManager transactionManager) {
		this.transactions = new TransactionTemplate(transactionManager);
		this.transactions.setReadOnly(true);
		this.transactions.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
	}

	/** The reads' result, all read from one snapshot of the projection tables. */
	public <T> T read(Supplier<T> reads) {
		return this.transactions.execute((status) -> reads.get());
	}

}
