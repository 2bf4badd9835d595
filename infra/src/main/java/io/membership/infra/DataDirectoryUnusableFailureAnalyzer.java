package io.membership.infra;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up fails with one clear description and what to do, as Spring Boot reports a
 * taken web port, when the data directory cannot be used.
 */
class DataDirectoryUnusableFailureAnalyzer extends AbstractFailureAnalyzer<DataDirectoryUnusableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DataDirectoryUnusableException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Set MEMBERSHIP_DATA_DIR to a directory this user may create and write (the default, ./data, "
						+ "is relative to the working directory), or make " + cause.directory() + " one.",
				cause);
	}

}
