package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;

/**
 * Queries as a client that has just sent a command reads its own write: with
 * {@code min_version} = the version the organization's last command answered, so every
 * read is deterministic.
 */
final class Reads {

	private Reads() {
	}

	/**
	 * GET {@code /api/organizations/{org}} + {@code pathAndQuery}, at the latest version.
	 */
	static Answer read(TestOrganization organization, ApiClient client, String pathAndQuery) {
		String separator = pathAndQuery.contains("?") ? "&" : "?";
		return client.get(organization.path() + pathAndQuery + separator + "min_version=" + organization.version());
	}

	/**
	 * Reads and checks the answer is 200 with the organization's latest version in the
	 * body and as the {@code ETag}.
	 */
	static JsonNode ok(TestOrganization organization, ApiClient client, String pathAndQuery) {
		Answer answer = read(organization, client, pathAndQuery);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.header("Content-Type")).startsWith("application/json");
		assertThat(answer.json().path("version").asLong()).as(answer.toString()).isEqualTo(organization.version());
		assertThat(answer.header("ETag")).isEqualTo("\"" + organization.version() + "\"");
		return answer.json();
	}

	/** The values of one field of every element of an array. */
	static List<String> field(JsonNode array, String name) {
		List<String> values = new ArrayList<>();
		array.forEach((element) -> values.add(element.path(name).asString()));
		return values;
	}

	static List<Long> longs(JsonNode array, String name) {
		List<Long> values = new ArrayList<>();
		array.forEach((element) -> values.add(element.path(name).asLong()));
		return values;
	}

	static String encoded(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8);
	}

}
