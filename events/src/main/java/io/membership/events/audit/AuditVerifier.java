package io.membership.events.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.MembershipEvent;
import io.membership.events.access.Role;
import io.membership.events.ids.UserId;
import io.membership.events.json.MembershipJson;
import io.membership.events.state.MemberState;
import io.membership.events.state.MemberStates;

/**
 * The offline verifier an auditor runs on an audit export: it needs the export, the
 * signed checkpoints and the public key, and nothing of the service.
 *
 * <pre>
 * java -jar membership.jar verify --events export.ndjson --checkpoints checkpoints.json --public-key key.json
 * </pre>
 *
 * It checks that every organization's events run from version 1 without a gap, that each
 * links to the hash of the one before and that its own hash matches its content; that
 * every checkpoint's signature is the audit key's and that the chain passes through the
 * hash it signed. It stops at the first bad event, names it and exits with status 1; on
 * success it prints every member's role history, rebuilt from the export alone, and exits
 * with 0. Usage errors exit with 2.
 */
public final class AuditVerifier {

	private final PrintStream out;

	private AuditVerifier(PrintStream out) {
		this.out = out;
	}

	public static void main(String[] args) {
		System.exit(run(args, System.out, System.err));
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		Map<String, Path> options = new HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i], Path.of(args[i + 1]));
		}
		if (!options.containsKey("--events")
				|| (options.containsKey("--checkpoints") != options.containsKey("--public-key"))
				|| args.length % 2 != 0) {
			err.println("usage: verify --events EXPORT.ndjson [--checkpoints CHECKPOINTS.json --public-key KEY]");
			return 2;
		}
		try {
			return new AuditVerifier(out).verify(options.get("--events"), options.get("--checkpoints"),
					options.get("--public-key"));
		}
		catch (IOException ex) {
			err.println("cannot read the input: " + ex.getMessage());
			return 2;
		}
		catch (Failure failure) {
			out.println("FAILED: " + failure.getMessage());
			return 1;
		}
	}

	private int verify(Path events, Path checkpointFile, Path publicKeyFile) throws IOException {
		Map<String, Chain> chains = new LinkedHashMap<>();
		int lineNumber = 0;
		try (BufferedReader lines = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				lineNumber++;
				if (line.isBlank()) {
					continue;
				}
				JsonNode event;
				try {
					event = MembershipJson.mapper().readTree(line);
				}
				catch (RuntimeException ex) {
					throw new Failure("line " + lineNumber + " is not JSON");
				}
				String organization = event.path("organization_id").asString();
				chains.computeIfAbsent(organization, Chain::new).append(event, lineNumber);
			}
		}
		long total = chains.values().stream().mapToLong((chain) -> chain.hashes.size()).sum();
		this.out.println("OK: " + total + " events of " + chains.size() + " organization(s), every hash verified");
		if (checkpointFile != null) {
			verifyCheckpoints(chains, readCheckpoints(checkpointFile), readPublicKey(publicKeyFile));
		}
		else {
			this.out.println("NOTE: no checkpoints given; the chain is consistent but not anchored to a signature");
		}
		chains.values().forEach(this::printRoleHistories);
		return 0;
	}

	private void verifyCheckpoints(Map<String, Chain> chains, List<JsonNode> checkpoints, PublicKey key) {
		Map<String, Long> anchored = new HashMap<>();
		for (JsonNode checkpoint : checkpoints) {
			String organization = checkpoint.path("organization_id").asString();
			Chain chain = chains.get(organization);
			if (chain == null) {
				continue;
			}
			long version = checkpoint.path("version").asLong();
			if (!signatureValid(checkpoint, key)) {
				throw new Failure("the checkpoint of " + organization + " at version " + version
						+ " is not signed by the audit key");
			}
			String exported = chain.hashes.get(version);
			if (exported == null) {
				throw new Failure("organization " + organization + ": the signed checkpoint is at version " + version
						+ " but the export ends at version " + chain.lastVersion
						+ "; events after it were removed (first missing: version " + (chain.lastVersion + 1) + ")");
			}
			if (!exported.equals(checkpoint.path("hash").asString())) {
				long previous = anchored.getOrDefault(organization, 0L);
				throw new Failure("organization " + organization + ": the chain was rewritten; at version " + version
						+ " it does not match the signed checkpoint (first suspect event: version " + (previous + 1)
						+ ", event " + chain.eventIds.get(previous + 1) + ")");
			}
			anchored.merge(organization, version, Math::max);
		}
		for (Chain chain : chains.values()) {
			long last = anchored.getOrDefault(chain.organization, 0L);
			if (last == 0) {
				this.out.println("NOTE: " + chain.organization + " has no checkpoint in the given file");
			}
			else if (last < chain.lastVersion) {
				this.out.println("NOTE: " + chain.organization + " versions " + (last + 1) + ".." + chain.lastVersion
						+ " are after its last checkpoint and not yet anchored");
			}
			else {
				this.out.println("OK: " + chain.organization + " anchored by a signed checkpoint at version " + last);
			}
		}
	}

	private static boolean signatureValid(JsonNode checkpoint, PublicKey key) {
		ObjectNode signed = MembershipJson.mapper().createObjectNode();
		for (String field : List.of("organization_id", "version", "hash", "signed_at", "key_id")) {
			signed.set(field, checkpoint.get(field));
		}
		try {
			Signature verifier = Signature.getInstance("Ed25519");
			verifier.initVerify(key);
			verifier.update(CanonicalJson.bytes(signed));
			return verifier.verify(Base64.getDecoder().decode(checkpoint.path("signature").asString()));
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			return false;
		}
	}

	private void printRoleHistories(Chain chain) {
		this.out.println("Role histories of " + chain.organization + ":");
		chain.histories
			.forEach((user, steps) -> this.out.println("  user " + user + ": " + String.join(" -> ", steps)));
	}

	private static List<JsonNode> readCheckpoints(Path file) throws IOException {
		String text = Files.readString(file).strip();
		List<JsonNode> checkpoints = new ArrayList<>();
		if (text.startsWith("{") && !text.contains("\n{")) {
			JsonNode document = MembershipJson.mapper().readTree(text);
			JsonNode list = document.has("checkpoints") ? document.get("checkpoints") : document;
			if (list.isArray()) {
				list.forEach(checkpoints::add);
			}
			else {
				checkpoints.add(list);
			}
		}
		else if (text.startsWith("[")) {
			MembershipJson.mapper().readTree(text).forEach(checkpoints::add);
		}
		else {
			text.lines()
				.filter((line) -> !line.isBlank())
				.map(MembershipJson.mapper()::readTree)
				.forEach(checkpoints::add);
		}
		return checkpoints;
	}

	/** A PEM public key, or the JSON the service serves at /api/audit/public-key. */
	private static PublicKey readPublicKey(Path file) throws IOException {
		String text = Files.readString(file);
		String pem = text.strip().startsWith("{")
				? MembershipJson.mapper().readTree(text).path("public_key_pem").asString() : text;
		String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
		try {
			return KeyFactory.getInstance("Ed25519")
				.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new Failure("the public key is not an Ed25519 key in PEM");
		}
	}

	/** One organization's events as read so far. */
	private static final class Chain {

		private final String organization;

		private final Map<Long, String> hashes = new HashMap<>();

		private final Map<Long, String> eventIds = new HashMap<>();

		private final Map<UserId, MemberState> members = new HashMap<>();

		private final Map<UserId, List<String>> histories = new TreeMap<>((a, b) -> Long.compare(a.value(), b.value()));

		private long lastVersion;

		private String lastHash = HashChain.GENESIS;

		Chain(String organization) {
			this.organization = organization;
		}

		void append(JsonNode event, int line) {
			long version = event.path("version").asLong();
			String eventId = event.path("event_id").asString();
			String where = "line " + line + ", organization " + this.organization + ", version " + version + ", event "
					+ eventId + ": ";
			if (version != this.lastVersion + 1) {
				throw new Failure(where
						+ ((version <= this.lastVersion) ? "out of order or inserted"
								: "versions " + (this.lastVersion + 1) + ".." + (version - 1) + " are missing")
						+ " (expected version " + (this.lastVersion + 1) + ")");
			}
			if (!this.lastHash.equals(event.path("prev_hash").asString())) {
				throw new Failure(where + "prev_hash does not link to the previous event's hash");
			}
			String recomputed = HashChain.hash(this.lastHash, event);
			if (!recomputed.equals(event.path("hash").asString())) {
				throw new Failure(where + "its content does not match its hash (altered)");
			}
			this.lastVersion = version;
			this.lastHash = recomputed;
			this.hashes.put(version, recomputed);
			this.eventIds.put(version, eventId);
			recordRoleChanges(event, version, where);
		}

		private void recordRoleChanges(JsonNode event, long version, String where) {
			Optional<Class<? extends MembershipEvent>> type = MembershipEvent.typeNamed(event.path("type").asString());
			if (type.isEmpty()) {
				throw new Failure(where + "unknown event type " + event.path("type").asString());
			}
			MembershipEvent body = MembershipJson.mapper().treeToValue(event.get("payload"), type.get());
			for (MemberState state : MemberStates.next(body, this.members::get)) {
				MemberState before = this.members.put(state.userId(), state);
				Role from = (before != null) ? before.role() : null;
				if (from != state.role()) {
					this.histories.computeIfAbsent(state.userId(), (user) -> new ArrayList<>())
						.add(state.role().code() + " (v" + version + ", " + body.occurredAt() + ", by "
								+ body.actorUserId() + ")");
				}
			}
		}

	}

	/** The export is not what was stored and signed. */
	private static final class Failure extends RuntimeException {

		Failure(String message) {
			super(message);
		}

	}

}
