package io.membership.audit.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.audit.chain.CanonicalJson;
import io.membership.audit.chain.HashChain;
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
 * It checks that every organization's events run from version 1 without a gap, a repeated
 * or a misplaced version, that each links to the hash of the one before and that its own
 * hash matches its content; that every checkpoint's signature is the audit key's and that
 * the chain passes through the hash it signed. It stops at the first bad event, names it
 * (version and event id) and exits with status 1; on success it prints every member's
 * role history, rebuilt from the export alone, and exits with 0. Usage errors and
 * unreadable input exit with 2. What it prints from its input (reasons, ids, e-mails in a
 * library's message) is escaped first ({@link TerminalText}): the export may come from
 * the party under audit, and must not drive the auditor's terminal or forge a line.
 */
public final class AuditVerifier {

	static final String USAGE = "usage: verify --events EXPORT.ndjson [--checkpoints CHECKPOINTS.json --public-key KEY]";

	private static final Set<String> OPTIONS = Set.of("--events", "--checkpoints", "--public-key");

	private final PrintStream out;

	private AuditVerifier(PrintStream out) {
		this.out = out;
	}

	public static void main(String[] args) {
		System.exit(run(args, System.out, System.err));
	}

	/**
	 * Verifies and answers the exit status: 0 verified, 1 the export is not what was
	 * stored and signed (the reason on {@code out}, starting with {@code FAILED:}), 2 a
	 * usage error or unreadable input (on {@code err}).
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
			out.println(USAGE);
			return 0;
		}
		Map<String, Path> options = new HashMap<>();
		boolean valid = args.length % 2 == 0;
		for (int i = 0; valid && i + 1 < args.length; i += 2) {
			valid = OPTIONS.contains(args[i]) && options.put(args[i], Path.of(args[i + 1])) == null;
		}
		if (!valid || !options.containsKey("--events")
				|| options.containsKey("--checkpoints") != options.containsKey("--public-key")) {
			err.println(USAGE);
			return 2;
		}
		try {
			return new AuditVerifier(out).verify(options.get("--events"), options.get("--checkpoints"),
					options.get("--public-key"));
		}
		catch (IOException ex) {
			err.println(TerminalText.line("cannot read the input: " + ex));
			return 2;
		}
		catch (InputError ex) {
			err.println(TerminalText.line(ex.getMessage()));
			return 2;
		}
		catch (Failure failure) {
			out.println(TerminalText.line("FAILED: " + failure.getMessage()));
			return 1;
		}
	}

	private int verify(Path events, Path checkpointFile, Path publicKeyFile) throws IOException {
		// Read what is needed to check the signatures first: a usage error is reported
		// before any verdict on the export.
		List<JsonNode> checkpoints = (checkpointFile != null) ? readCheckpoints(checkpointFile) : List.of();
		PublicKey key = (publicKeyFile != null) ? readPublicKey(publicKeyFile) : null;
		Map<String, Index> index = index(events);
		Map<String, Chain> chains = new LinkedHashMap<>();
		forEachLine(events, (event, line) -> {
			String organization = event.path("organization_id").asString();
			chains.computeIfAbsent(organization, (id) -> new Chain(id, index.get(id))).append(event, line);
		});
		long total = chains.values().stream().mapToLong((chain) -> chain.lastVersion).sum();
		print("OK: " + total + " events of " + chains.size() + " organization(s), every hash verified");
		if (key != null) {
			verifyCheckpoints(chains, checkpoints, key);
		}
		else {
			print("NOTE: no checkpoints given; the chain is consistent but not anchored to a signature");
		}
		chains.values().forEach(this::printRoleHistories);
		return 0;
	}

	/**
	 * The first pass: where every version of every organization is in the file, so that a
	 * bad line can be told apart as deleted, repeated or out of order.
	 */
	private static Map<String, Index> index(Path events) throws IOException {
		Map<String, Index> index = new HashMap<>();
		forEachLine(events,
				(event, line) -> index.computeIfAbsent(event.path("organization_id").asString(), (id) -> new Index())
					.add(event.path("version").asLong(), new Occurrence(line, event.path("event_id").asString())));
		return index;
	}

	private static void forEachLine(Path events, LineConsumer consumer) throws IOException {
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
				if (event.isObject() && event.path("type").asString().startsWith("urn:membership:problem:")
						&& !event.has("organization_id")) {
					throw new Failure("line " + lineNumber + ": the export was cut short by an error on the server ("
							+ shown(event.path("detail").asString()) + "); export again");
				}
				if (!event.isObject() || !event.path("organization_id").isString()
						|| !event.path("version").canConvertToExactIntegral()) {
					throw new Failure("line " + lineNumber + " is not an event");
				}
				consumer.accept(event, lineNumber);
			}
		}
	}

	private void verifyCheckpoints(Map<String, Chain> chains, List<JsonNode> checkpoints, PublicKey key) {
		String keyId = keyIdOf(key);
		Map<String, List<JsonNode>> byOrganization = new TreeMap<>();
		for (JsonNode checkpoint : checkpoints) {
			if (!signatureValid(checkpoint, key)) {
				throw new Failure("the checkpoint of " + shown(checkpoint.path("organization_id").asString())
						+ " at version " + shown(checkpoint.path("version").asString())
						+ " is not signed by the audit key " + keyId
						+ (keyId.equals(checkpoint.path("key_id").asString()) ? ""
								: " (it names key " + shown(checkpoint.path("key_id").asString()) + ")")
						+ "; it was forged or altered");
			}
			byOrganization.computeIfAbsent(checkpoint.path("organization_id").asString(), (id) -> new ArrayList<>())
				.add(checkpoint);
		}
		byOrganization.forEach((organization, signed) -> {
			signed.sort(Comparator.comparingLong((checkpoint) -> checkpoint.path("version").asLong()));
			Chain chain = chains.get(organization);
			if (chain == null) {
				throw new Failure("organization " + shown(organization) + " has a signed checkpoint at version "
						+ signed.get(signed.size() - 1).path("version").asLong()
						+ " but no events in the export: its events were removed, or the export is not of it");
			}
			chain.anchor(signed);
		});
		for (Chain chain : chains.values()) {
			if (chain.anchored == 0) {
				print("NOTE: " + shown(chain.organization) + " has no checkpoint in the given file");
			}
			else if (chain.anchored < chain.lastVersion) {
				print("NOTE: " + shown(chain.organization) + " versions " + (chain.anchored + 1) + ".."
						+ chain.lastVersion + " are after its last checkpoint (version " + chain.anchored
						+ ") and not yet anchored");
			}
			else {
				print("OK: " + shown(chain.organization) + " anchored by a signed checkpoint at version "
						+ chain.anchored);
			}
		}
	}

	/**
	 * Ed25519 over the canonical JSON (RFC 8785) of {@code {organization_id, version,
	 * hash, signed_at, key_id}}.
	 */
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

	/**
	 * As the service names its key: the first 16 hex digits of the SHA-256 of the encoded
	 * public key.
	 */
	private static String keyIdOf(PublicKey key) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()))
				.substring(0, 16);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void printRoleHistories(Chain chain) {
		print("Role histories of " + shown(chain.organization) + ":");
		chain.histories.forEach((user, steps) -> print("  user " + user + ": " + String.join(" -> ", steps)));
	}

	/**
	 * Every line goes through {@link TerminalText#line}: the values in it were escaped
	 * where they were put in, and this keeps anything missed from reaching the terminal
	 * raw.
	 */
	private void print(String line) {
		this.out.println(TerminalText.line(line));
	}

	/** A value from the input, escaped for the terminal. */
	private static String shown(String value) {
		return TerminalText.value(value);
	}

	/**
	 * The service's answer {@code {"checkpoints": [...]}}, a JSON array, one checkpoint,
	 * or one checkpoint per line (as read from the checkpoints topic).
	 */
	private static List<JsonNode> readCheckpoints(Path file) throws IOException {
		String text = Files.readString(file).strip();
		List<JsonNode> checkpoints = new ArrayList<>();
		try {
			if (text.isEmpty()) {
				return checkpoints;
			}
			if (text.lines().filter((line) -> !line.isBlank()).count() > 1 && text.lines()
				.filter((line) -> !line.isBlank())
				.allMatch((line) -> line.strip().startsWith("{") && line.strip().endsWith("}"))) {
				text.lines()
					.filter((line) -> !line.isBlank())
					.map(MembershipJson.mapper()::readTree)
					.forEach(checkpoints::add);
				return checkpoints;
			}
			JsonNode document = MembershipJson.mapper().readTree(text);
			JsonNode list = document.has("checkpoints") ? document.get("checkpoints") : document;
			if (list.isArray()) {
				list.forEach(checkpoints::add);
			}
			else {
				checkpoints.add(list);
			}
		}
		catch (RuntimeException ex) {
			throw new InputError("cannot read the checkpoints in " + file + ": " + ex.getMessage());
		}
		for (JsonNode checkpoint : checkpoints) {
			if (!checkpoint.isObject() || !checkpoint.has("organization_id") || !checkpoint.has("signature")) {
				throw new InputError("the checkpoints in " + file + " are not checkpoints: " + checkpoint);
			}
		}
		return checkpoints;
	}

	/** A PEM public key, or the JSON the service serves at /api/audit/public-key. */
	private static PublicKey readPublicKey(Path file) throws IOException {
		String text = Files.readString(file);
		try {
			String pem = text.strip().startsWith("{")
					? MembershipJson.mapper().readTree(text).path("public_key_pem").asString() : text;
			String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
			return KeyFactory.getInstance("Ed25519")
				.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new InputError("the public key in " + file + " is not an Ed25519 key in PEM");
		}
	}

	private interface LineConsumer {

		void accept(JsonNode event, int line);

	}

	/** Where an event is in the export. */
	private record Occurrence(int line, String eventId) {

		@Override
		public String toString() {
			return "event " + shown(this.eventId) + " on line " + this.line;
		}

	}

	/** Every line of one organization, by version. */
	private static final class Index {

		private final Map<Long, List<Occurrence>> versions = new HashMap<>();

		void add(long version, Occurrence occurrence) {
			this.versions.computeIfAbsent(version, (v) -> new ArrayList<>(1)).add(occurrence);
		}

		List<Occurrence> of(long version) {
			return this.versions.getOrDefault(version, List.of());
		}

	}

	/** One organization's events as read so far. */
	private static final class Chain {

		private final String organization;

		private final Index index;

		private final Map<Long, String> hashes = new HashMap<>();

		private final Map<Long, String> eventIds = new HashMap<>();

		private final Map<UserId, MemberState> members = new HashMap<>();

		private final Map<UserId, List<String>> histories = new TreeMap<>(Comparator.comparingLong(UserId::value));

		private long lastVersion;

		private String lastHash = HashChain.GENESIS;

		private long anchored;

		Chain(String organization, Index index) {
			this.organization = organization;
			this.index = index;
		}

		void append(JsonNode event, int line) {
			long version = event.path("version").asLong();
			String eventId = event.path("event_id").asString();
			String where = "organization " + shown(this.organization) + ", version " + version + ", event "
					+ shown(eventId) + " (line " + line + "): ";
			long expected = this.lastVersion + 1;
			if (version != expected) {
				throw new Failure(where + misplaced(version, expected, line));
			}
			if (!this.lastHash.equals(event.path("prev_hash").asString())) {
				throw new Failure(where + "its prev_hash does not link to the hash of "
						+ ((version == 1) ? "the start of the chain"
								: "version " + (version - 1) + " (event " + shown(this.eventIds.get(version - 1)) + ")")
						+ ": an event was inserted, removed or altered here");
			}
			String recomputed;
			try {
				recomputed = HashChain.hash(this.lastHash, event);
			}
			catch (RuntimeException ex) {
				throw new Failure(where + "its content cannot be canonicalized (" + ex.getMessage() + "): altered");
			}
			if (!recomputed.equals(event.path("hash").asString())) {
				throw new Failure(where + "its content does not match its hash: the event was altered");
			}
			this.lastVersion = version;
			this.lastHash = recomputed;
			this.hashes.put(version, recomputed);
			this.eventIds.put(version, eventId);
			recordRoleChanges(event, version, where);
		}

		/** Why a line does not carry the expected version. */
		private String misplaced(long version, long expected, int line) {
			List<Occurrence> same = this.index.of(version);
			if (version < expected && same.size() > 1) {
				return "version " + version + " appears more than once (" + join(same)
						+ "): an event was inserted or copied";
			}
			List<Occurrence> expectedOnes = this.index.of(expected);
			Optional<Occurrence> later = expectedOnes.stream().filter((o) -> o.line() > line).findFirst();
			if (later.isPresent()) {
				return "out of order: version " + expected + " (" + later.get() + ") comes after it";
			}
			if (version < expected) {
				return "out of order: it comes after version " + this.lastVersion + " (event "
						+ shown(this.eventIds.get(this.lastVersion)) + ")";
			}
			long lastMissing = version - 1;
			return ((expected == lastMissing) ? "version " + expected + " is missing"
					: "versions " + expected + ".." + lastMissing + " are missing")
					+ ((this.lastVersion > 0)
							? " between version " + this.lastVersion + " (event "
									+ shown(this.eventIds.get(this.lastVersion)) + ") and this one"
							: " before this one")
					+ ": deleted";
		}

		private static String join(List<Occurrence> occurrences) {
			return String.join(", ", occurrences.stream().map(Occurrence::toString).toList());
		}

		/**
		 * Checks the chain against this organization's signed checkpoints, in version
		 * order: each must be a hash the export passes through.
		 */
		void anchor(List<JsonNode> checkpoints) {
			for (JsonNode checkpoint : checkpoints) {
				long version = checkpoint.path("version").asLong();
				String exported = this.hashes.get(version);
				if (exported == null) {
					throw new Failure(
							"organization " + shown(this.organization) + ": a signed checkpoint is at version "
									+ version + " but the export ends at version " + this.lastVersion + ": "
									+ ((version == this.lastVersion + 1) ? "version " + version + " was"
											: "versions " + (this.lastVersion + 1) + ".." + version + " were")
									+ " removed");
				}
				if (!exported.equals(checkpoint.path("hash").asString())) {
					long from = this.anchored + 1;
					String suspects = (from == version)
							? "the rewritten event is version " + version + ", event "
									+ shown(this.eventIds.get(version))
							: "the rewrite is in versions " + from + ".." + version + " (the first: version " + from
									+ ", event " + shown(this.eventIds.get(from)) + ")";
					throw new Failure("organization " + shown(this.organization)
							+ ": the chain was rewritten: its hash at version " + version
							+ " is not the one the checkpoint signed" + ((this.anchored > 0)
									? ", while it matches the checkpoint at version " + this.anchored : "")
							+ "; " + suspects);
				}
				this.anchored = Math.max(this.anchored, version);
			}
		}

		private void addStep(UserId user, String step, MembershipEvent body, long version) {
			String reason = body.givenReason().orElse(null);
			this.histories.computeIfAbsent(user, (any) -> new ArrayList<>())
				.add(step + " (v" + version + ", " + body.occurredAt() + ", by " + body.actorUserId()
						+ ((reason != null) ? ", \"" + shown(reason) + "\"" : "") + ")");
		}

		private void recordRoleChanges(JsonNode event, long version, String where) {
			String type = event.path("type").asString();
			Class<? extends MembershipEvent> eventClass = MembershipEvent.typeNamed(type)
				.orElseThrow(() -> new Failure(where + "unknown event type " + shown(type)));
			try {
				MembershipEvent body = MembershipJson.mapper().treeToValue(event.get("payload"), eventClass);
				for (MemberState state : MemberStates.next(body, (user) -> {
					MemberState current = this.members.get(user);
					if (current == null) {
						throw new IllegalStateException("user " + user + " is not a member before it");
					}
					return current;
				}, (project) -> MemberStates.membersOf(project, this.members.values()))) {
					MemberState before = this.members.put(state.userId(), state);
					Role from = (before != null) ? before.role() : null;
					if (from != state.role()) {
						addStep(state.userId(), state.role().code(), body, version);
					}
				}
				// A removed member is no member until they join again, which starts from
				// nothing like any joining.
				MemberStates.removed(body).ifPresent((user) -> {
					if (this.members.remove(user) == null) {
						throw new IllegalStateException("user " + user + " is not a member before it");
					}
					addStep(user, "removed", body, version);
				});
			}
			catch (RuntimeException ex) {
				throw new Failure(where + "it is not a valid " + type + " in this history: " + ex.getMessage());
			}
		}

	}

	/** The export is not what was stored and signed. */
	private static final class Failure extends RuntimeException {

		Failure(String message) {
			super(message);
		}

	}

	/** The input is not an export, checkpoints or a key at all. */
	private static final class InputError extends RuntimeException {

		InputError(String message) {
			super(message);
		}

	}

}
