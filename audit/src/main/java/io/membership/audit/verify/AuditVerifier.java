package io.membership.audit.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
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
 * java -jar membership.jar verify --events export.ndjson --checkpoints checkpoints.json --public-key key.json [--histories]
 * </pre>
 *
 * It checks that every organization's events run from version 1 without a gap, a repeated
 * or a misplaced version, that each links to the hash of the one before and that its own
 * hash matches its content; that every checkpoint's signature is the audit key's and that
 * the chain passes through the hash it signed. It stops at the first bad event, names it
 * (version and event id) and exits with status 1; on success it exits with 0, and with
 * {@code --histories} it prints every member's role history, rebuilt from the export
 * alone. Usage errors and unreadable input exit with 2. What it prints from its input
 * (reasons, ids, e-mails in a library's message) is escaped first ({@link TerminalText}):
 * the export may come from the party under audit, and must not drive the auditor's
 * terminal or forge a line.
 * <p>
 * The export is read once, line by line, and only what the next line is checked against
 * is kept per organization: the last version, its hash and event id, the member states
 * the next event must be valid against, and the signed checkpoints still ahead. An export
 * of millions of events verifies in a small heap; the role histories, which grow with the
 * export, are kept only when asked for. A misplaced version is explained by a second pass
 * over the file that looks for that organization's versions alone.
 * <p>
 * An export line's hash covers its envelope ({@link HashChain}); other top-level members
 * ({@code prev_hash}, {@code hash}, the system-wide stream's {@code position}, or members
 * a later version of the export adds beside the envelope) are not hashed and are ignored.
 */
public final class AuditVerifier {

	static final String USAGE = "usage: verify --events EXPORT.ndjson [--checkpoints CHECKPOINTS.json --public-key KEY] [--histories]";

	private static final Set<String> OPTIONS = Set.of("--events", "--checkpoints", "--public-key");

	/**
	 * The members of an export line the hash covers, in the order the service writes
	 * them.
	 */
	private static final List<String> ENVELOPE = List.of("organization_id", "version", "event_id", "type",
			"occurred_at", "payload");

	private final PrintStream out;

	private final Path events;

	private final boolean histories;

	private AuditVerifier(PrintStream out, Path events, boolean histories) {
		this.out = out;
		this.events = events;
		this.histories = histories;
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
		boolean histories = false;
		boolean valid = true;
		for (int i = 0; valid && i < args.length; i++) {
			if (args[i].equals("--histories")) {
				valid = !histories;
				histories = true;
			}
			else {
				valid = OPTIONS.contains(args[i]) && i + 1 < args.length
						&& options.put(args[i], Path.of(args[++i])) == null;
			}
		}
		if (!valid || !options.containsKey("--events")
				|| options.containsKey("--checkpoints") != options.containsKey("--public-key")) {
			err.println(USAGE);
			return 2;
		}
		try {
			return new AuditVerifier(out, options.get("--events"), histories).verify(options.get("--checkpoints"),
					options.get("--public-key"));
		}
		catch (IOException ex) {
			err.println(TerminalText.line("cannot read the input: " + ex));
			return 2;
		}
		catch (UncheckedIOException ex) {
			err.println(TerminalText.line("cannot read the input: " + ex.getCause()));
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

	private int verify(Path checkpointFile, Path publicKeyFile) throws IOException {
		// Read what is needed to check the signatures first: a usage error is reported
		// before any verdict on the export.
		List<JsonNode> checkpoints = (checkpointFile != null) ? readCheckpoints(checkpointFile) : List.of();
		PublicKey key = (publicKeyFile != null) ? readPublicKey(publicKeyFile) : null;
		// The signatures are checked before the export is read, so that the chain is held
		// against signed hashes only; a forged checkpoint is reported after the chain's
		// own faults, which say more about what was changed.
		Failure forged = null;
		Map<String, List<JsonNode>> signedByOrganization = new TreeMap<>();
		String keyId = (key != null) ? keyIdOf(key) : null;
		for (JsonNode checkpoint : checkpoints) {
			if (forged == null && !signatureValid(checkpoint, key)) {
				forged = new Failure("the checkpoint of " + shown(checkpoint.path("organization_id").asString())
						+ " at version " + shown(checkpoint.path("version").asString())
						+ " is not signed by the audit key " + keyId
						+ (keyId.equals(checkpoint.path("key_id").asString()) ? ""
								: " (it names key " + shown(checkpoint.path("key_id").asString()) + ")")
						+ "; it was forged or altered");
			}
			signedByOrganization
				.computeIfAbsent(checkpoint.path("organization_id").asString(), (id) -> new ArrayList<>())
				.add(checkpoint);
		}
		signedByOrganization.values()
			.forEach((signed) -> signed
				.sort(Comparator.comparingLong((checkpoint) -> checkpoint.path("version").asLong())));
		boolean anchoring = forged == null;

		Map<String, Chain> chains = new LinkedHashMap<>();
		forEachLine(this.events, (event, line) -> {
			String organization = event.path("organization_id").asString();
			chains
				.computeIfAbsent(organization,
						(id) -> new Chain(id, this.events, this.histories,
								anchoring ? signedByOrganization.getOrDefault(id, List.of()) : List.of()))
				.append(event, line);
		});
		long total = chains.values().stream().mapToLong((chain) -> chain.lastVersion).sum();
		print("OK: " + total + " events of " + chains.size() + " organization(s), every hash verified");
		if (key != null) {
			if (forged != null) {
				throw forged;
			}
			verifyCheckpoints(chains, signedByOrganization);
		}
		else {
			print("NOTE: no checkpoints given; the chain is consistent but not anchored to a signature");
		}
		if (this.histories) {
			chains.values().forEach(this::printRoleHistories);
		}
		return 0;
	}

	/**
	 * Reads the export line by line; a line is parsed, checked and dropped before the
	 * next is read.
	 */
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

	/**
	 * After the export was read: what the chains could not settle while reading, in the
	 * order of the organizations' ids. The hashes at the checkpoints' versions were
	 * compared as the export went by.
	 */
	private void verifyCheckpoints(Map<String, Chain> chains, Map<String, List<JsonNode>> signedByOrganization) {
		signedByOrganization.forEach((organization, signed) -> {
			Chain chain = chains.get(organization);
			if (chain == null) {
				throw new Failure("organization " + shown(organization) + " has a signed checkpoint at version "
						+ signed.get(signed.size() - 1).path("version").asLong()
						+ " but no events in the export: its events were removed, or the export is not of it");
			}
			chain.settleAnchors();
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

	/**
	 * Where some versions of one organization are in the export: read anew when a line
	 * does not carry the version expected, to tell a deleted, a repeated and a misplaced
	 * event apart. Lines that are no event are passed over; the first pass stops at them.
	 */
	private static Map<Long, List<Occurrence>> occurrences(Path events, String organization, Set<Long> versions) {
		Map<Long, List<Occurrence>> found = new HashMap<>();
		int lineNumber = 0;
		try (BufferedReader lines = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				lineNumber++;
				JsonNode event;
				try {
					event = MembershipJson.mapper().readTree(line);
				}
				catch (RuntimeException ex) {
					continue;
				}
				if (event != null && event.isObject() && organization.equals(event.path("organization_id").asString())
						&& versions.contains(event.path("version").asLong())) {
					found.computeIfAbsent(event.path("version").asLong(), (v) -> new ArrayList<>(1))
						.add(new Occurrence(lineNumber, event.path("event_id").asString()));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return found;
	}

	/**
	 * One organization's chain as read so far: what the next line is checked against, and
	 * no more (the role histories only when they are to be printed).
	 */
	private static final class Chain {

		private final String organization;

		private final Path events;

		/** The signed checkpoints the chain has yet to pass, by version. */
		private final Deque<JsonNode> ahead;

		private final Map<UserId, MemberState> members = new HashMap<>();

		/** Null unless the histories are to be printed. */
		private final Map<UserId, List<String>> histories;

		private long lastVersion;

		private String lastHash = HashChain.GENESIS;

		private String lastEventId;

		/** The event id of the first version after the last checkpoint passed. */
		private String firstUnanchoredEventId;

		private long anchored;

		/** The first checkpoint the chain did not pass through, told after the export. */
		private Failure rewritten;

		Chain(String organization, Path events, boolean histories, List<JsonNode> checkpoints) {
			this.organization = organization;
			this.events = events;
			this.histories = histories ? new TreeMap<>(Comparator.comparingLong(UserId::value)) : null;
			this.ahead = new ArrayDeque<>(checkpoints);
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
								: "version " + (version - 1) + " (event " + shown(this.lastEventId) + ")")
						+ ": an event was inserted, removed or altered here");
			}
			String recomputed;
			try {
				recomputed = HashChain.hash(this.lastHash, envelopeOf(event));
			}
			catch (RuntimeException ex) {
				throw new Failure(where + "its content cannot be canonicalized (" + ex.getMessage() + "): altered");
			}
			if (!recomputed.equals(event.path("hash").asString())) {
				throw new Failure(where + "its content does not match its hash: the event was altered");
			}
			this.lastVersion = version;
			this.lastHash = recomputed;
			this.lastEventId = eventId;
			if (version == this.anchored + 1) {
				this.firstUnanchoredEventId = eventId;
			}
			recordRoleChanges(event, version, where);
			passCheckpoints(version, recomputed, eventId);
		}

		/** The hashed members of an export line, whatever else the line carries. */
		private static JsonNode envelopeOf(JsonNode line) {
			ObjectNode envelope = MembershipJson.mapper().createObjectNode();
			for (String member : ENVELOPE) {
				if (line.has(member)) {
					envelope.set(member, line.get(member));
				}
			}
			return envelope;
		}

		/** Why a line does not carry the expected version. */
		private String misplaced(long version, long expected, int line) {
			Map<Long, List<Occurrence>> found = occurrences(this.events, this.organization, Set.of(version, expected));
			List<Occurrence> same = found.getOrDefault(version, List.of());
			if (version < expected && same.size() > 1) {
				return "version " + version + " appears more than once (" + join(same)
						+ "): an event was inserted or copied";
			}
			Optional<Occurrence> later = found.getOrDefault(expected, List.of())
				.stream()
				.filter((o) -> o.line() > line)
				.findFirst();
			if (later.isPresent()) {
				return "out of order: version " + expected + " (" + later.get() + ") comes after it";
			}
			if (version < expected) {
				return "out of order: it comes after version " + this.lastVersion + " (event " + shown(this.lastEventId)
						+ ")";
			}
			long lastMissing = version - 1;
			return ((expected == lastMissing) ? "version " + expected + " is missing"
					: "versions " + expected + ".." + lastMissing + " are missing")
					+ ((this.lastVersion > 0) ? " between version " + this.lastVersion + " (event "
							+ shown(this.lastEventId) + ") and this one" : " before this one")
					+ ": deleted";
		}

		private static String join(List<Occurrence> occurrences) {
			return String.join(", ", occurrences.stream().map(Occurrence::toString).toList());
		}

		/**
		 * Holds the chain against the signed checkpoints at this version as it passes
		 * them: each must be a hash the export passes through. The first that is not is
		 * kept, and told once the whole export is known to be a consistent chain.
		 */
		private void passCheckpoints(long version, String hash, String eventId) {
			while (this.rewritten == null && !this.ahead.isEmpty()
					&& this.ahead.peekFirst().path("version").asLong() <= version) {
				JsonNode checkpoint = this.ahead.pollFirst();
				long signedVersion = checkpoint.path("version").asLong();
				if (signedVersion < version) {
					// Below version 1: no hash of the export is at it.
					this.rewritten = beyondTheEnd(signedVersion);
				}
				else if (!hash.equals(checkpoint.path("hash").asString())) {
					long from = this.anchored + 1;
					String suspects = (from == version)
							? "the rewritten event is version " + version + ", event " + shown(eventId)
							: "the rewrite is in versions " + from + ".." + version + " (the first: version " + from
									+ ", event " + shown(this.firstUnanchoredEventId) + ")";
					this.rewritten = new Failure("organization " + shown(this.organization)
							+ ": the chain was rewritten: its hash at version " + version
							+ " is not the one the checkpoint signed" + ((this.anchored > 0)
									? ", while it matches the checkpoint at version " + this.anchored : "")
							+ "; " + suspects);
				}
				else {
					this.anchored = version;
				}
			}
		}

		/** After the export: a checkpoint the chain did not pass through fails it. */
		void settleAnchors() {
			if (this.rewritten != null) {
				throw this.rewritten;
			}
			if (!this.ahead.isEmpty()) {
				throw beyondTheEnd(this.ahead.peekFirst().path("version").asLong());
			}
		}

		private Failure beyondTheEnd(long version) {
			return new Failure("organization " + shown(this.organization) + ": a signed checkpoint is at version "
					+ version + " but the export ends at version " + this.lastVersion + ": "
					+ ((version == this.lastVersion + 1) ? "version " + version + " was"
							: "versions " + (this.lastVersion + 1) + ".." + version + " were")
					+ " removed");
		}

		private void addStep(UserId user, String step, MembershipEvent body, long version) {
			if (this.histories == null) {
				return;
			}
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
