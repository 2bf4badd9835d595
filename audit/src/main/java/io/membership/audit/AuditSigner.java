package io.membership.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signs audit checkpoints with an Ed25519 key held outside the database: from
 * {@code MEMBERSHIP_AUDIT_SIGNING_KEY} (PEM) in production, or on the embedded default
 * generated once into {@code keys/audit-ed25519.pem} in the data directory. Someone who
 * can write to the database but not read this key cannot forge a checkpoint.
 */
public class AuditSigner {

	static final String ALGORITHM = "Ed25519";

	private final PrivateKey privateKey;

	private final PublicKey publicKey;

	private final String keyId;

	AuditSigner(PrivateKey privateKey, PublicKey publicKey) {
		this.privateKey = privateKey;
		this.publicKey = publicKey;
		this.keyId = keyIdOf(publicKey);
	}

	/**
	 * @param configuredKey PEM with a {@code PRIVATE KEY} (PKCS#8) and a
	 * {@code PUBLIC KEY} (X.509) block, as {@code openssl genpkey -algorithm ed25519} and
	 * {@code openssl pkey -pubout} write them; blank for the data directory's key
	 */
	public static AuditSigner fromConfiguredOrDataDirectory(String configuredKey, Path dataDirectory) {
		String pem = (configuredKey != null && !configuredKey.isBlank()) ? configuredKey
				: loadOrCreate(dataDirectory.resolve("keys/audit-ed25519.pem"));
		try {
			KeyFactory keys = KeyFactory.getInstance(ALGORITHM);
			PrivateKey privateKey = keys.generatePrivate(new PKCS8EncodedKeySpec(block(pem, "PRIVATE KEY")));
			PublicKey publicKey = keys.generatePublic(new X509EncodedKeySpec(block(pem, "PUBLIC KEY")));
			return new AuditSigner(privateKey, publicKey);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new IllegalStateException(
					"The audit signing key must be PEM with an Ed25519 PRIVATE KEY and PUBLIC KEY block", ex);
		}
	}

	public String sign(byte[] message) {
		try {
			Signature signature = Signature.getInstance(ALGORITHM);
			signature.initSign(this.privateKey);
			signature.update(message);
			return Base64.getEncoder().encodeToString(signature.sign());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot sign with the audit key", ex);
		}
	}

	public String keyId() {
		return this.keyId;
	}

	/** The public key as PEM (X.509 SubjectPublicKeyInfo), for auditors. */
	public String publicKeyPem() {
		return pem("PUBLIC KEY", this.publicKey.getEncoded());
	}

	/** The first 16 hex digits of the SHA-256 of the encoded public key. */
	static String keyIdOf(PublicKey publicKey) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
			return HexFormat.of().formatHex(digest).substring(0, 16);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String loadOrCreate(Path file) {
		try {
			if (!Files.exists(file)) {
				Files.createDirectories(file.toAbsolutePath().getParent());
				KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
				String pem = pem("PRIVATE KEY", pair.getPrivate().getEncoded())
						+ pem("PUBLIC KEY", pair.getPublic().getEncoded());
				try {
					Files.writeString(file, pem, StandardOpenOption.CREATE_NEW);
					Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
				}
				catch (FileAlreadyExistsException raced) {
					// Another instance on the same data directory wrote it first.
				}
				catch (UnsupportedOperationException notPosix) {
					// The directory's own permissions apply.
				}
			}
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read or create the audit key " + file, ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("This Java runtime cannot generate Ed25519 keys", ex);
		}
	}

	private static byte[] block(String pem, String label) {
		String begin = "-----BEGIN " + label + "-----";
		int from = pem.indexOf(begin);
		int to = pem.indexOf("-----END " + label + "-----");
		if (from < 0 || to < from) {
			throw new IllegalArgumentException("no " + label + " block");
		}
		return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
	}

	private static String pem(String label, byte[] encoded) {
		return "-----BEGIN " + label + "-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(encoded)
				+ "\n-----END " + label + "-----\n";
	}

}
