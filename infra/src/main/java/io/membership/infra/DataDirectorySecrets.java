package io.membership.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Keys the embedded default generates for itself: created once, readable by the owner
 * only, and reused on every start so nothing they signed becomes invalid.
 */
public final class DataDirectorySecrets {

	private DataDirectorySecrets() {
	}

	public static byte[] loadOrCreate(Path file, int bytes) {
		try {
			if (!Files.exists(file)) {
				create(file, bytes);
			}
			return Base64.getDecoder().decode(Files.readString(file).strip());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read or create the key " + file, ex);
		}
	}

	private static void create(Path file, int bytes) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		byte[] key = new byte[bytes];
		new SecureRandom().nextBytes(key);
		try {
			Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardOpenOption.CREATE_NEW);
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (FileAlreadyExistsException raced) {
			// Another instance on the same data directory created it first; use theirs.
		}
		catch (UnsupportedOperationException notPosix) {
			// Not a POSIX file system; the directory's own permissions apply.
		}
	}

}
