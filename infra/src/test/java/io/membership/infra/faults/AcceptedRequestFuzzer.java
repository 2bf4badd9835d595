package io.membership.infra.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import tools.jackson.databind.json.JsonMapper;

import io.membership.events.Limits;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;

/**
 * Generates commands that must all be accepted, carrying unusual but valid text (every
 * script and plane, combining marks, quotes, backslashes, markup and SQL look-alikes,
 * TAB, LF and CR in reasons, lengths up to the limit), and checks the invariant the
 * refusal fuzzer cannot: after every accepted command, a query with {@code min_version}
 * of the version it answered succeeds for that organization. An accepted command the
 * query side cannot project would answer 503 there instead. Seeded, so a failure is
 * reproduced by running the same seed again.
 */
final class AcceptedRequestFuzzer {

	/** Pieces of valid text, one code point or a few each. */
	private static final String[] PIECES = { "a", "Z", "0", " ", "é", "ß", "Ω", "ж", "שלום", "مرحبا", "नमस्ते", "漢字",
			"かな", "한글", "e\u0301", "\u00a0", "😀", "👩\u200d💻", "\uD841\uDF0E", "\uD880\uDC00", "\uDB40\uDD00",
			"\uDBC0\uDC00", "'", "\"", "\\", "/", "%00", "<script>", "'; DROP TABLE domainevententry; --",
			"${jndi:ldap://x}", "../../", "{}", "[]", "\u2028", "\u4f60\u597d", "\ufffd" };

	/** Only a reason may also carry these. */
	private static final String[] REASON_PIECES = { "\t", "\n", "\r\n" };

	private static final List<String> ROLES = List.of("AN", "RE", "MA", "AD");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Random random;

	private final int port;

	private final List<String> violations = new ArrayList<>();

	private int accepted;

	AcceptedRequestFuzzer(long seed, int port) {
		this.random = new Random(seed);
		this.port = port;
	}

	/** What a run found: how many commands were accepted, and every broken promise. */
	record Outcome(int accepted, List<String> violations) {
	}

	/**
	 * Sends {@code count} accepted commands, spread over organizations of its own, each
	 * followed by a check at the version it answered.
	 */
	Outcome run(int count) {
		TestOrganization organization = null;
		long annotator = 0;
		for (int i = 0; i < count; i++) {
			if (organization == null || this.random.nextInt(20) == 0) {
				organization = TestOrganization.create(this.port);
				annotator = organization.join("AN").userId();
			}
			ApiClient owner = organization.owner();
			String description;
			Answer answer;
			String checkedOrganization = organization.path();
			ApiClient checker = owner;
			switch (this.random.nextInt(5)) {
				case 0 -> {
					long ownerId = TestOrganization.newUserId();
					checker = ApiClient.as(this.port, ownerId);
					description = "create an organization";
					answer = checker.post("/api/organizations", json(Map.of("name", text(Limits.NAME, false))));
					if (answer.status() == 201) {
						checkedOrganization = "/api/organizations/" + answer.json().get("organization_id").asString();
					}
				}
				case 1 -> {
					description = "create a workspace";
					answer = owner.post(organization.path() + "/workspaces",
							json(Map.of("title", text(Limits.TITLE, false))));
				}
				case 2 -> {
					description = "invite";
					answer = owner.post(organization.path() + "/invitations",
							json(Map.of("email", "fuzz." + i + "." + this.random.nextInt(1_000_000) + "@accepted.test",
									"role", pick(ROLES))));
				}
				case 3 -> {
					description = "change a role with a reason";
					Map<String, Object> body = new LinkedHashMap<>();
					body.put("role", pick(ROLES));
					body.put("reason", text(Limits.REASON, true));
					answer = owner.post(organization.path() + "/memberships/" + annotator + "/role", json(body));
				}
				default -> {
					description = "deactivate and activate again with reasons";
					answer = owner.post(organization.path() + "/memberships/" + annotator + "/deactivate",
							json(Map.of("reason", text(Limits.REASON, true))));
					if (answer.status() == 200) {
						answer = owner.post(organization.path() + "/memberships/" + annotator + "/activate",
								json(Map.of("role", "AN", "reason", text(Limits.REASON, true))));
					}
				}
			}
			if (answer.status() < 200 || answer.status() > 299) {
				this.violations.add("#" + i + " " + description + " was refused: " + answer);
				continue;
			}
			this.accepted++;
			long version = answer.json().get("version").asLong();
			Answer check = checkAt(checker, checkedOrganization, version);
			if (check.status() != 200 || check.json().get("version").asLong() < version) {
				this.violations.add("#" + i + " " + description + " answered version " + version
						+ ", but the check at that version answered " + check);
			}
		}
		return new Outcome(this.accepted, List.copyOf(this.violations));
	}

	/**
	 * The check at the version the command answered. Who may read is decided on the view
	 * as it stands before waiting, so the creator of an organization the view does not
	 * know yet gets a 404 and asks again, as API.md tells a client to; any other answer
	 * is final.
	 */
	private static Answer checkAt(ApiClient checker, String organization, long version) {
		String query = organization + "/permissions/check?action=invite_users&min_version=" + version;
		long deadline = System.nanoTime() + 10_000_000_000L;
		Answer check = checker.get(query);
		while (check.status() == 404 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return check;
			}
			check = checker.get(query);
		}
		return check;
	}

	/**
	 * Random valid text of 1 to {@code max} UTF-16 units, never blank and without
	 * surrounding white space (which the service strips from names and titles).
	 */
	private String text(int max, boolean reason) {
		int length = 1 + this.random.nextInt((this.random.nextInt(4) == 0) ? max : Math.min(max, 40));
		StringBuilder text = new StringBuilder("x");
		while (true) {
			String piece = (reason && this.random.nextInt(8) == 0) ? pick(List.of(REASON_PIECES))
					: pick(List.of(PIECES));
			if (text.length() + piece.length() > length - 1) {
				break;
			}
			text.append(piece);
		}
		return text.append('y').toString();
	}

	private <T> T pick(List<T> choices) {
		return choices.get(this.random.nextInt(choices.size()));
	}

	private static String json(Map<String, Object> body) {
		return JSON.writeValueAsString(body);
	}

}
