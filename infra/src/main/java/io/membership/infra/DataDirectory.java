package io.membership.infra;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Makes sure the data directory ({@code MEMBERSHIP_DATA_DIR}) can be used before anything
 * opens a file in it: the database, the broker's log and the generated keys all live
 * there on the embedded default, and each of them, failing on its own, reported an
 * unusable directory as a stack trace hundreds of lines deep (the database's, inside the
 * migration's, inside the web server's). Checked as the first thing the application
 * context does, so the failure is one report
 * ({@link DataDirectoryUnusableFailureAnalyzer}) naming the directory, resolved to an
 * absolute path, and what is wrong with it.
 */
final class DataDirectory implements BeanFactoryPostProcessor {

	private static final Logger logger = LoggerFactory.getLogger(DataDirectory.class);

	private final Path directory;

	DataDirectory(Path directory) {
		this.directory = directory.toAbsolutePath().normalize();
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		requireUsable();
		logger.info("Data directory: {}", this.directory);
	}

	/**
	 * Creates the directory if it is missing, and proves it writable by creating and
	 * removing a file in it.
	 * @throws DataDirectoryUnusableException if it cannot be created or written
	 */
	void requireUsable() {
		try {
			Files.createDirectories(this.directory);
		}
		catch (FileAlreadyExistsException ex) {
			throw new DataDirectoryUnusableException(this.directory, "it is a file, not a directory"
					+ (ex.getFile().equals(this.directory.toString()) ? "" : " (" + ex.getFile() + " is in the way)"),
					ex);
		}
		catch (IOException ex) {
			throw new DataDirectoryUnusableException(this.directory, "it cannot be created (" + describe(ex) + ")", ex);
		}
		try {
			Path probe = Files.createTempFile(this.directory, ".write-probe", ".tmp");
			Files.delete(probe);
		}
		catch (IOException ex) {
			throw new DataDirectoryUnusableException(this.directory, "it cannot be written (" + describe(ex) + ")", ex);
		}
	}

	private static String describe(IOException failure) {
		if (failure instanceof AccessDeniedException) {
			return "permission denied";
		}
		if (failure instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
			return fileSystem.getReason();
		}
		return failure.toString();
	}

}
