package io.membership.infra;

import java.nio.file.Path;

/** The data directory cannot be created or written ({@link DataDirectory}). */
class DataDirectoryUnusableException extends RuntimeException {

	private final Path directory;

	DataDirectoryUnusableException(Path directory, String reason, Throwable cause) {
		super("The data directory " + directory + " cannot be used: " + reason + ".", cause);
		this.directory = directory;
	}

	Path directory() {
		return this.directory;
	}

}
