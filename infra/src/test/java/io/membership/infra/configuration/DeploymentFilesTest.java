package io.membership.infra.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The deployment samples in {@code deploy/} parse, have the shape deploy/README.md
 * describes, and set only environment variables the service reads: a misspelt variable
 * would be silently ignored by Spring Boot, and the cluster would run on a default.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DeploymentFilesTest {

	private static final Path DEPLOY = Path.of("..", "deploy");

	private final ConfigurationKeys keys = ConfigurationKeys.onTheClasspath();

	@Test
	void the_check_tells_a_variable_the_service_reads_from_a_misspelt_one() {
		assertThat(this.keys.reads("MEMBERSHIP_KAFKA_EMBEDDED_PORT")).isTrue();
		assertThat(this.keys.reads("SPRING_DATASOURCE_URL")).isTrue();
		assertThat(this.keys.reads("MANAGEMENT_SERVER_PORT")).isTrue();
		assertThat(this.keys.reads("PORT")).isTrue();
		assertThat(this.keys.reads("MEMBERSHIP_KAFKA_EMBEDED_PORT")).isFalse();
		assertThat(this.keys.reads("MEMBERSHIP_KAFKA_TOPIC_REPLICATION_FACTOR")).isFalse();
	}

	@Test
	void the_compose_file_runs_three_kraft_brokers_and_two_instances_that_read_every_variable_they_are_given()
			throws IOException {
		Map<String, Object> compose = map(load(DEPLOY.resolve("compose.yaml")).get(0));
		Map<String, Object> services = map(compose.get("services"));
		assertThat(services).containsKeys("postgres", "kafka-1", "kafka-2", "kafka-3", "membership-1", "membership-2");
		for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
			Map<String, Object> environment = map(map(services.get(broker)).get("environment"));
			assertThat(String.valueOf(environment.get("KAFKA_PROCESS_ROLES"))).contains("controller");
			assertThat(String.valueOf(environment.get("KAFKA_MIN_INSYNC_REPLICAS"))).isEqualTo("2");
		}
		Set<String> consumerNames = new TreeSet<>();
		for (String instance : List.of("membership-1", "membership-2")) {
			Map<String, Object> environment = map(map(services.get(instance)).get("environment"));
			assertThat(environment.keySet()).allSatisfy(
					(variable) -> assertThat(this.keys.reads(variable)).as(instance + " sets " + variable).isTrue());
			assertThat(String.valueOf(environment.get("MEMBERSHIP_KAFKA_TOPICS_REPLICATION_FACTOR"))).isEqualTo("3");
			assertThat(String.valueOf(environment.get("MEMBERSHIP_KAFKA_TOPICS_MIN_INSYNC_REPLICAS"))).isEqualTo("2");
			assertThat(String.valueOf(environment.get("MEMBERSHIP_KAFKA_EMBEDDED_ENABLED"))).isEqualTo("false");
			consumerNames.add(String.valueOf(environment.get("MEMBERSHIP_QUERY_CONSUMER_NAME")));
		}
		assertThat(consumerNames).as("each instance keeps its own position").hasSize(2);
	}

	@Test
	void the_kubernetes_manifests_probe_the_management_port_size_the_pods_and_set_only_variables_the_service_reads()
			throws IOException {
		List<Object> documents = load(DEPLOY.resolve("kubernetes/membership.yaml"));
		Set<String> variables = new TreeSet<>();
		Map<String, Object> deployment = null;
		for (Object document : documents) {
			Map<String, Object> resource = map(document);
			switch (String.valueOf(resource.get("kind"))) {
				case "ConfigMap" -> variables.addAll(map(resource.get("data")).keySet());
				case "Secret" -> variables.addAll(map(resource.get("stringData")).keySet());
				case "Deployment" -> deployment = resource;
				default -> {
				}
			}
		}
		assertThat(deployment).as("a Deployment").isNotNull();
		Map<String, Object> spec = map(deployment.get("spec"));
		assertThat(spec.get("replicas")).isEqualTo(2);
		Map<String, Object> container = map(
				list(map(map(map(spec.get("template")).get("spec"))).get("containers")).get(0));
		for (Object variable : list(container.get("env"))) {
			variables.add(String.valueOf(map(variable).get("name")));
		}
		assertThat(variables).contains("MANAGEMENT_SERVER_PORT", "SPRING_DATASOURCE_URL",
				"MEMBERSHIP_KAFKA_RECORD_KEY");
		assertThat(variables)
			.allSatisfy((variable) -> assertThat(this.keys.reads(variable)).as("sets " + variable).isTrue());
		Map<String, Object> ports = new java.util.HashMap<>();
		for (Object port : list(container.get("ports"))) {
			ports.put(String.valueOf(map(port).get("name")), map(port).get("containerPort"));
		}
		assertThat(ports).containsEntry("http", 8080).containsEntry("management", 8081);
		assertProbe(container, "livenessProbe", "/actuator/health/liveness");
		assertProbe(container, "readinessProbe", "/actuator/health/readiness");
		assertProbe(container, "startupProbe", "/actuator/health/liveness");
		Map<String, Object> resources = map(container.get("resources"));
		assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
		assertThat(map(resources.get("limits"))).containsKey("memory");
	}

	private static void assertProbe(Map<String, Object> container, String probe, String path) {
		Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
		assertThat(httpGet).as(probe).containsEntry("path", path).containsEntry("port", "management");
	}

	private static List<Object> load(Path file) throws IOException {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		List<Object> documents = new ArrayList<>();
		try (Reader reader = Files.newBufferedReader(file)) {
			new Yaml(new SafeConstructor(options)).loadAll(reader).forEach(documents::add);
		}
		assertThat(documents).as(file + " parses").isNotEmpty();
		return documents;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Object>) value;
	}

}
