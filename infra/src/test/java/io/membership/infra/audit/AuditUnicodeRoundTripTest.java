package io.membership.infra.audit;

import static io.membership.infra.audit.AuditTrail.auditService;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.json.MembershipJson;
import io.membership.infra.audit.AuditTrail.Verdict;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * The issue's property test for the audit chain. Names, e-mails (valid syntax), reasons
 * and workspace titles drawn from every Unicode plane (right-to-left letters, combining
 * marks, emoji sequences, supplementary and private-use characters, TAB, LF and CR in
 * reasons) go in over HTTP; each organization is exported as an auditor would, and
 * <ul>
 * <li>every accepted string comes back byte for byte;</li>
 * <li>the Python recomputation in the README (read from README.md now, so the README
 * cannot go stale) recomputes every hash of the export and ends on each organization's
 * last exported hash;</li>
 * <li>the offline verifier verifies it too.</li>
 * </ul>
 * A string with an unpaired surrogate, which has no UTF-8 encoding and so cannot be
 * hashed as it is, is refused and stores nothing. The seed is fixed, so a default build
 * passes or fails the same way every time; it is printed on failure, and another can be
 * tried with {@code -Dmembership.test.unicode-seed=N}.
 */
@PostgresServiceTest
class AuditUnicodeRoundTripTest {

	static final long SEED = Long.getLong("membership.test.unicode-seed", 8_785L);

	/** Eight strings each: 320 in all. */
	static final int ORGANIZATIONS = 40;

	@LocalServerPort
	int port;

	@TempDir
	Path directory;

	@Test
	void every_accepted_string_round_trips_through_the_export_and_the_READMEs_Python_recomputes_the_chain()
			throws IOException, InterruptedException {
		try {
			roundTrip(new Random(SEED));
		}
		catch (AssertionError | RuntimeException ex) {
			throw new AssertionError("With seed " + SEED + " (run again with -Dmembership.test.unicode-seed=" + SEED
					+ "): " + ex.getMessage(), ex);
		}
	}

	private void roundTrip(Random random) throws IOException, InterruptedException {
		ApiClient auditor = auditService(this.port);
		StringBuilder exports = new StringBuilder();
		Map<String, String> lastHashes = new LinkedHashMap<>();
		for (int i = 0; i < ORGANIZATIONS; i++) {
			Sent sent = organization(random, i);
			Answer export = auditor.get("/api/organizations/" + sent.organizationId + "/audit/events");
			assertThat(export.status()).as(export.toString()).isEqualTo(200);
			List<JsonNode> lines = export.text().lines().map(MembershipJson.mapper()::readTree).toList();
			assertRoundTrip(sent, lines);
			exports.append(export.text());
			lastHashes.put(sent.organizationId, lines.get(lines.size() - 1).path("hash").asString());
		}
		Path exported = Files.writeString(this.directory.resolve("export.ndjson"), exports.toString());

		assertThat(readmesPython(exported)).as("the hashes the README's Python recomputed").isEqualTo(lastHashes);
		Verdict verdict = AuditTrail.verify("--events", exported.toString());
		assertThat(verdict.status()).as(verdict.toString()).isZero();
		assertThat(verdict.out()).contains(
				"OK: " + (8 * ORGANIZATIONS) + " events of " + ORGANIZATIONS + " organization(s), every hash verified");
		assertThat(verdict.out().chars().filter((c) -> (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f)))
			.as("controls printed raw by the verifier")
			.isEmpty();
	}

	/** What one organization was sent: by version, the payload member and its value. */
	private record Sent(String organizationId, Map<Long, Map<String, String>> values) {
	}

	/**
	 * One organization: created (its name, and the creator's e-mail from the token), an
	 * invitation accepted (an e-mail, twice), a role change, a deactivation and an
	 * activation (three reasons), two workspaces (titles), and between them a role change
	 * whose reason holds an unpaired surrogate, refused.
	 */
	private Sent organization(Random random, int index) {
		Map<Long, Map<String, String>> values = new LinkedHashMap<>();
		long ownerId = TestOrganization.newUserId();
		String ownerEmail = Unicode.email(random, "o" + index);
		ApiClient owner = ApiClient.anonymous(this.port).withToken(token(ownerId, ownerEmail));
		String name = Unicode.name(random);
		Answer created = owner.post("/api/organizations", json("name", name));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String organizationId = created.json().path("organization_id").asString();
		values.put(1L, Map.of("name", name, "owner_email", ownerEmail));
		String path = "/api/organizations/" + organizationId;

		long userId = TestOrganization.newUserId();
		String email = Unicode.email(random, "m" + index);
		ObjectNode invitation = MembershipJson.mapper().createObjectNode().put("email", email).put("role", "AN");
		String token = accepted(owner.post(path + "/invitations", invitation.toString()), 2).json()
			.path("token")
			.asString();
		values.put(2L, Map.of("email", email));
		ObjectNode acceptance = MembershipJson.mapper().createObjectNode().put("user_id", userId).put("email", email);
		accepted(ApiClient.as(this.port, userId).post("/api/invitations/" + token + "/accept", acceptance.toString()),
				3);
		values.put(3L, Map.of("email", email));

		String member = path + "/memberships/" + userId;
		String[] reasons = { Unicode.reason(random), Unicode.reason(random), Unicode.reason(random) };
		accepted(owner.post(member + "/role", json("role", "RE", "reason", reasons[0])), 4);
		accepted(owner.post(member + "/deactivate", json("reason", reasons[1])), 5);
		accepted(owner.post(member + "/activate", json("role", "AN", "reason", reasons[2])), 6);
		for (int i = 0; i < reasons.length; i++) {
			values.put(4L + i, Map.of("reason", reasons[i]));
		}
		String[] titles = { Unicode.name(random), Unicode.name(random) };
		accepted(owner.post(path + "/workspaces", json("title", titles[0])), 7);
		values.put(7L, Map.of("title", titles[0]));

		String unencodable = Unicode.withUnpairedSurrogate(random,
				json("role", "RE", "reason", Unicode.reason(random) + "\u0000MARK\u0000" + Unicode.reason(random)));
		Answer refused = owner.post(member + "/role", unencodable);
		assertThat(refused.status()).as("a reason with an unpaired surrogate: %s answered %s", unencodable, refused)
			.isEqualTo(400);
		accepted(owner.post(path + "/workspaces", json("title", titles[1])), 8);
		values.put(8L, Map.of("title", titles[1]));
		return new Sent(organizationId, values);
	}

	private static Answer accepted(Answer answer, long version) {
		assertThat(answer.status()).as(answer.toString()).isBetween(200, 299);
		assertThat(answer.json().path("version").asLong()).as(answer.toString()).isEqualTo(version);
		return answer;
	}

	private static void assertRoundTrip(Sent sent, List<JsonNode> lines) {
		assertThat(lines).as("the export of %s", sent.organizationId).hasSize(sent.values.size());
		for (JsonNode line : lines) {
			long version = line.path("version").asLong();
			sent.values.get(version).forEach((member, value) -> {
				// An address is kept apart from the event (issue 17): the export carries
				// it
				// beside the hashed envelope.
				JsonNode exported = (member.equals("email") || member.equals("owner_email"))
						? line.path("personal_data").path("email") : line.path("payload").path(member);
				assertThat(exported.isString()).as("%s of version %d in %s", member, version, line).isTrue();
				assertThat(exported.asString().getBytes(StandardCharsets.UTF_8))
					.as("%s of version %d: sent %s, exported %s", member, version, Unicode.codePoints(value),
							Unicode.codePoints(exported.asString()))
					.isEqualTo(value.getBytes(StandardCharsets.UTF_8));
			});
		}
	}

	/**
	 * Runs the README's Python on the export and answers the last hash it recomputed for
	 * each organization; fails if it exits with anything but 0.
	 */
	private Map<String, String> readmesPython(Path export) throws IOException, InterruptedException {
		Path script = Files.writeString(this.directory.resolve("recompute.py"), readmePython());
		Process python = new ProcessBuilder("python3", script.toString(), export.toString()).start();
		CompletableFuture<String> out = read(python.getInputStream());
		CompletableFuture<String> err = read(python.getErrorStream());
		assertThat(python.waitFor(60, TimeUnit.SECONDS)).as("python3 ran within 60 s").isTrue();
		String printed = out.join() + err.join();
		assertThat(python.exitValue()).as("the README's Python printed:%n%s", printed).isZero();
		Map<String, String> hashes = new LinkedHashMap<>();
		Matcher each = Pattern.compile("'([^']+)': '([0-9a-f]{64})'").matcher(printed);
		while (each.find()) {
			hashes.put(each.group(1), each.group(2));
		}
		assertThat(printed).startsWith("every hash recomputed:");
		return hashes;
	}

	private static CompletableFuture<String> read(InputStream stream) {
		return CompletableFuture.supplyAsync(() -> {
			try (stream) {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				return "(unreadable: " + ex + ")";
			}
		});
	}

	/**
	 * The {@code python} block under "What is hashed and signed" in the README at the
	 * root of the repository.
	 */
	static String readmePython() throws IOException {
		Path directory = Path.of("").toAbsolutePath();
		while (directory != null
				&& !(Files.exists(directory.resolve("README.md")) && Files.isDirectory(directory.resolve("events")))) {
			directory = directory.getParent();
		}
		assertThat(directory).as("the repository's root above " + Path.of("").toAbsolutePath()).isNotNull();
		String readme = Files.readString(directory.resolve("README.md"));
		int section = readme.indexOf("### What is hashed and signed");
		assertThat(section).as("the README's section \"What is hashed and signed\"").isNotNegative();
		int start = readme.indexOf("```python\n", section);
		int end = readme.indexOf("\n```", start + 1);
		assertThat(start).as("a python block in that section").isNotNegative();
		return readme.substring(start + "```python\n".length(), end + 1);
	}

	private static String json(String... namesAndValues) {
		ObjectNode body = MembershipJson.mapper().createObjectNode();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			body.put(namesAndValues[i], namesAndValues[i + 1]);
		}
		return body.toString();
	}

	/**
	 * A user's token carrying an {@code email} claim, as an identity provider's would.
	 */
	private static String token(long userId, String email) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(Long.toString(userId))
			.expirationTime(Date.from(Instant.now().plusSeconds(600)))
			.claim("email", email)
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(new MACSigner(ApiClient.TEST_SECRET.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	/**
	 * Strings the API accepts, drawn from every plane. Names and titles hold no control
	 * character and neither start nor end with white space (the service strips it);
	 * reasons may hold TAB, LF and CR anywhere. No string holds a C0 (but those three) or
	 * C1 control, a bidirectional control, a line or paragraph separator or another
	 * invisible format character but those emoji sequences use.
	 */
	static final class Unicode {

		private Unicode() {
		}

		static String name(Random random) {
			String name = text(random, 1 + random.nextInt(40), 150, false);
			return (name.isBlank() || !name.equals(name.strip())) ? "n" + name + "n" : name;
		}

		static String reason(Random random) {
			return text(random, random.nextInt(120), 900, true);
		}

		/**
		 * A valid address whose local part mixes scripts; unique through {@code tag}.
		 * Already in the form an address is compared in (NFKC, lower case), so that it
		 * comes back as sent however the service normalizes.
		 */
		static String email(Random random, String tag) {
			while (true) {
				StringBuilder local = new StringBuilder();
				int length = 1 + random.nextInt(12);
				for (int i = 0; i < length; i++) {
					local.appendCodePoint(emailCodePoint(random));
				}
				String candidate = local + "." + tag;
				if (Normalizer.normalize(candidate, Normalizer.Form.NFKC).equals(candidate)
						&& candidate.toLowerCase(Locale.ROOT).equals(candidate)) {
					return candidate + "@" + tag + ".example.test";
				}
			}
		}

		/**
		 * The JSON text {@code json} with its placeholder (NUL, MARK, NUL) replaced by a
		 * lone high or low surrogate, or a reversed pair, escaped, as a client can send
		 * it.
		 */
		static String withUnpairedSurrogate(Random random, String json) {
			String[] unpaired = { "\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ude00\\ud83d", "\\ud83dx" };
			String placeholder = "\\u0000MARK\\u0000";
			assertThat(json).contains(placeholder);
			return json.replace(placeholder, unpaired[random.nextInt(unpaired.length)]);
		}

		private static String text(Random random, int pieces, int maxUtf16Length, boolean reason) {
			StringBuilder text = new StringBuilder();
			for (int i = 0; i < pieces; i++) {
				String piece = piece(random, reason);
				if (text.length() + piece.length() > maxUtf16Length) {
					break;
				}
				text.append(piece);
			}
			return text.toString();
		}

		/** One character, or one emoji sequence. */
		private static String piece(Random random, boolean reason) {
			int pick = random.nextInt(100);
			if (pick < 18) {
				return of(between(random, 0x20, 0x7e));
			}
			if (pick < 24) {
				// Latin-1 and Latin Extended, no-break space included.
				return of(between(random, 0xa0, 0x24f));
			}
			if (pick < 30) {
				// Combining marks, also stacked on the character before.
				return of(random.nextBoolean() ? between(random, 0x300, 0x36f) : between(random, 0x20d0, 0x20f0));
			}
			if (pick < 38) {
				// Right-to-left: Hebrew, Arabic letters and Arabic-Indic digits.
				return of(switch (random.nextInt(3)) {
					case 0 -> between(random, 0x5d0, 0x5ea);
					case 1 -> between(random, 0x621, 0x64a);
					default -> between(random, 0x660, 0x669);
				});
			}
			if (pick < 44) {
				return of(random.nextBoolean() ? between(random, 0x4e00, 0x9fff) : between(random, 0xac00, 0xd7a3));
			}
			if (pick < 52) {
				return of(assignedBmp(random));
			}
			if (pick < 60) {
				return emoji(random);
			}
			if (pick < 66) {
				// Plane 1: Linear B, mathematical alphanumerics, Egyptian hieroglyphs.
				return of(switch (random.nextInt(3)) {
					case 0 -> between(random, 0x10000, 0x1005d);
					case 1 -> between(random, 0x1d400, 0x1d6a5);
					default -> between(random, 0x13000, 0x1342e);
				});
			}
			if (pick < 70) {
				return of(between(random, 0x20000, 0x2a6df));
			}
			if (pick < 73) {
				return of(between(random, 0x30000, 0x3134a));
			}
			if (pick < 76) {
				// Planes 4 to 13: no character is assigned yet, but they are scalar
				// values.
				return of((between(random, 4, 13) << 16) | random.nextInt(0xfffe));
			}
			if (pick < 79) {
				// Plane 14: variation selectors supplement.
				return of(between(random, 0xe0100, 0xe01ef));
			}
			if (pick < 85) {
				// Private use: the BMP's area and planes 15 and 16.
				return of(switch (random.nextInt(3)) {
					case 0 -> between(random, 0xe000, 0xf8ff);
					case 1 -> between(random, 0xf0000, 0xffffd);
					default -> between(random, 0x100000, 0x10fffd);
				});
			}
			if (pick < 92) {
				return of(new int[] { ' ', 0xa0, 0x2003, 0x3000 }[random.nextInt(4)]);
			}
			return reason ? of(new int[] { '\t', '\n', '\r' }[random.nextInt(3)]) : of(between(random, 0x21, 0x7e));
		}

		private static String emoji(Random random) {
			return switch (random.nextInt(5)) {
				case 0 -> of(between(random, 0x1f600, 0x1f64f));
				// With a skin tone modifier.
				case 1 -> of(between(random, 0x1f466, 0x1f469)) + of(between(random, 0x1f3fb, 0x1f3ff));
				// A ZWJ sequence: woman technologist.
				case 2 -> "\ud83d\udc69\u200d\ud83d\udcbb";
				// A flag: two regional indicators.
				case 3 -> of(between(random, 0x1f1e6, 0x1f1ff)) + of(between(random, 0x1f1e6, 0x1f1ff));
				// A keycap, with a variation selector.
				default -> of(between(random, '0', '9')) + "\ufe0f\u20e3";
			};
		}

		/**
		 * Any assigned BMP character but controls, format characters, separators of lines
		 * and paragraphs and surrogates.
		 */
		private static int assignedBmp(Random random) {
			while (true) {
				int c = between(random, 0x20, 0xfffd);
				int type = Character.getType(c);
				if (type != Character.UNASSIGNED && type != Character.CONTROL && type != Character.FORMAT
						&& type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
						&& type != Character.SURROGATE) {
					return c;
				}
			}
		}

		/**
		 * A character for an address's local part: ASCII letters, digits and the specials
		 * RFC 5322 allows in an atom, Hebrew, Arabic, CJK, Hangul, Hiragana. Only from
		 * the BMP: the service's address check (Hibernate Validator's {@code @Email})
		 * matches code points against U+0080..U+FFFF and refuses a supplementary
		 * character in an address.
		 */
		private static int emailCodePoint(Random random) {
			return switch (random.nextInt(8)) {
				case 0, 1 -> "abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36));
				case 2 -> "!#$%&'*+/=?^_`{|}~-".charAt(random.nextInt(19));
				case 3 -> between(random, 0x5d0, 0x5ea);
				case 4 -> between(random, 0x628, 0x63a);
				case 5 -> between(random, 0x4e00, 0x9fff);
				case 6 -> between(random, 0xac00, 0xd7a3);
				default -> between(random, 0x3041, 0x3096);
			};
		}

		private static int between(Random random, int first, int last) {
			return first + random.nextInt(last - first + 1);
		}

		private static String of(int codePoint) {
			return new String(Character.toChars(codePoint));
		}

		/** For a failure message: each code point as U+XXXX. */
		static String codePoints(String text) {
			List<String> each = new ArrayList<>();
			text.codePoints().forEach((c) -> each.add(String.format("U+%04X", c)));
			return String.join(" ", each);
		}

	}

}
