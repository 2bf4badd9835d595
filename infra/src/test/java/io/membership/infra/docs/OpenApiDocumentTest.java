package io.membership.infra.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;

/**
 * The OpenAPI document is served without a token and documents exactly the endpoints
 * Spring MVC serves under {@code /api}: an endpoint without docs, or docs for an endpoint
 * that does not exist, fails here.
 */
@PostgresServiceTest
class OpenApiDocumentTest {

	private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
			"trace");

	private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{[^}]+\\}");

	private static final Pattern ORGANIZATION_PATH = Pattern.compile("^/api/organizations/\\{[^}]+\\}(/.*)?$");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The contract as implemented, from the infra module's directory where tests run. */
	private static final Path CONTRACT = Path.of("..", "docs", "API.md");

	/** An endpoint written out in full: its method and its path up to any query. */
	private static final Pattern CONTRACT_ENDPOINT = Pattern.compile("`(GET|POST|PUT|PATCH|DELETE) (/api/[^`?\\s]*)");

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping handlerMappings;

	@Test
	void the_document_is_served_as_yaml_at_openapi_yaml_without_a_token() {
		Answer answer = ApiClient.anonymous(this.port).get("/openapi.yaml");

		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.header("Content-Type")).startsWith("application/yaml");
		assertThat(document().path("openapi").asString()).startsWith("3.1.");
	}

	@Test
	void the_same_document_is_served_as_json_at_v3_api_docs_without_a_token() {
		Answer answer = ApiClient.anonymous(this.port).get("/v3/api-docs");

		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.header("Content-Type")).startsWith("application/json");
		assertThat(differences(document(), answer.json())).isEmpty();
	}

	@Test
	void the_documented_operations_are_exactly_the_endpoints_served_under_api() {
		assertThat(documentedOperations()).containsExactlyInAnyOrderElementsOf(servedOperations());
	}

	/**
	 * docs/API.md, the contract as implemented, names only endpoints the service serves:
	 * every {@code METHOD /api/...} it writes out in full is one Spring MVC maps.
	 */
	@Test
	void every_endpoint_the_contract_document_names_is_served() throws IOException {
		String contract = Files.readString(CONTRACT);
		Set<String> named = new TreeSet<>();
		Matcher endpoint = CONTRACT_ENDPOINT.matcher(contract);
		while (endpoint.find()) {
			named.add(endpoint.group(1) + " " + normalized(endpoint.group(2)));
		}
		assertThat(named).as("endpoints named in " + CONTRACT).hasSizeGreaterThan(30);
		assertThat(servedOperations()).containsAll(named);
	}

	@Test
	void every_operation_answers_401_to_a_request_without_a_valid_token() {
		List<String> without401 = new ArrayList<>();
		forEachOperation((method, path, operation) -> {
			if (!operation.path("responses").has("401")) {
				without401.add(method + " " + path);
			}
		});

		assertThat(without401).isEmpty();
	}

	@Test
	void every_operation_on_an_organization_answers_404_for_one_the_caller_is_not_in() {
		List<String> without404 = new ArrayList<>();
		forEachOperation((method, path, operation) -> {
			if (ORGANIZATION_PATH.matcher(path).matches() && !operation.path("responses").has("404")) {
				without404.add(method + " " + path);
			}
		});

		assertThat(without404).isEmpty();
	}

	@Test
	void every_reference_in_the_document_points_at_something_in_it() {
		JsonNode document = document();
		List<String> dangling = new ArrayList<>();
		collectDanglingReferences(document, document, dangling);

		assertThat(dangling).isEmpty();
	}

	/**
	 * Read by a YAML 1.1 parser, as many tools still are: a bare {@code NO} would come
	 * out as {@code false} here and differ from the JSON the service converts by YAML
	 * 1.2's rules.
	 */
	private JsonNode document() {
		Answer answer = ApiClient.anonymous(this.port).get("/openapi.yaml");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		Object parsed = new Yaml().load(answer.text());
		return JSON.valueToTree(parsed);
	}

	private Set<String> documentedOperations() {
		Set<String> operations = new TreeSet<>();
		forEachOperation((method, path, operation) -> operations.add(method + " " + normalized(path)));
		return operations;
	}

	private Set<String> servedOperations() {
		Set<String> operations = new TreeSet<>();
		for (RequestMappingInfo mapping : this.handlerMappings.getHandlerMethods().keySet()) {
			for (String path : mapping.getPatternValues()) {
				if (!path.startsWith("/api/")) {
					continue;
				}
				Set<RequestMethod> methods = mapping.getMethodsCondition().getMethods();
				if (methods.isEmpty()) {
					operations.add("ANY " + normalized(path));
				}
				methods.forEach((method) -> operations.add(method.name() + " " + normalized(path)));
			}
		}
		return operations;
	}

	private void forEachOperation(OperationVisitor visitor) {
		document().path("paths").properties().forEach((path) -> path.getValue().properties().forEach((entry) -> {
			if (HTTP_METHODS.contains(entry.getKey())) {
				visitor.visit(entry.getKey().toUpperCase(Locale.ROOT), path.getKey(), entry.getValue());
			}
		}));
	}

	/** Template variables match whatever they are named: {@code {org}} is {@code {}}. */
	private static String normalized(String path) {
		return TEMPLATE_VARIABLE.matcher(path).replaceAll("{}");
	}

	/**
	 * Each JSON pointer whose value differs, with both values, so a failure says where.
	 */
	private static List<String> differences(JsonNode yaml, JsonNode json) {
		Map<String, String> fromYaml = new TreeMap<>();
		Map<String, String> fromJson = new TreeMap<>();
		flatten("", yaml, fromYaml);
		flatten("", json, fromJson);
		Set<String> pointers = new TreeSet<>(fromYaml.keySet());
		pointers.addAll(fromJson.keySet());
		List<String> differences = new ArrayList<>();
		for (String pointer : pointers) {
			if (!Objects.equals(fromYaml.get(pointer), fromJson.get(pointer))) {
				differences.add(pointer + ": YAML 1.1 reads " + fromYaml.get(pointer) + ", the JSON has "
						+ fromJson.get(pointer));
			}
		}
		return differences;
	}

	private static void flatten(String pointer, JsonNode node, Map<String, String> leaves) {
		if (node.isObject()) {
			node.properties()
				.forEach((entry) -> flatten(pointer + "/" + entry.getKey().replace("~", "~0").replace("/", "~1"),
						entry.getValue(), leaves));
		}
		else if (node.isArray()) {
			for (int index = 0; index < node.size(); index++) {
				flatten(pointer + "/" + index, node.get(index), leaves);
			}
		}
		else {
			leaves.put(pointer, node.toString());
		}
	}

	private static void collectDanglingReferences(JsonNode document, JsonNode node, List<String> dangling) {
		if (node.isObject()) {
			JsonNode reference = node.get("$ref");
			if (reference != null && reference.isString()) {
				String target = reference.asString();
				if (!target.startsWith("#") || document.at(target.substring(1)).isMissingNode()) {
					dangling.add(target);
				}
			}
		}
		node.values().forEach((child) -> collectDanglingReferences(document, child, dangling));
	}

	@FunctionalInterface
	private interface OperationVisitor {

		void visit(String method, String path, JsonNode operation);

	}

}
