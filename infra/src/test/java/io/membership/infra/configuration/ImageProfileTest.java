package io.membership.infra.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import io.membership.infra.MembershipApplication;

/**
 * The container image the {@code image} profile builds, checked in its configuration so
 * that the default build (which builds no image) still holds it: the service's main class
 * as entrypoint, the two ports, a user that is not root, the data directory on a volume
 * and writable by that user's group, a base image that can be replaced, and the
 * deployment files naming the image it builds. Building the image itself is
 * {@code mvn -Pimage
 * package} (README, "Container image").
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ImageProfileTest {

	private static final String PROFILE = "/project/profiles/profile[id='image']";

	private static final String JIB = PROFILE + "/build/plugins/plugin[artifactId='jib-maven-plugin']/configuration";

	private final Document pom;

	private final XPath xpath = XPathFactory.newInstance().newXPath();

	ImageProfileTest() throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
		this.pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
	}

	private String text(String path) throws Exception {
		return ((String) this.xpath.evaluate(path, this.pom, XPathConstants.STRING)).strip();
	}

	private List<String> texts(String path) throws Exception {
		NodeList nodes = (NodeList) this.xpath.evaluate(path, this.pom, XPathConstants.NODESET);
		List<String> texts = new ArrayList<>();
		for (int i = 0; i < nodes.getLength(); i++) {
			texts.add(nodes.item(i).getTextContent().strip());
		}
		return texts;
	}

	@Test
	void writes_a_tarball_at_package_without_a_docker_daemon() throws Exception {
		assertThat(
				texts(PROFILE + "/build/plugins/plugin[artifactId='jib-maven-plugin']/executions/execution/goals/goal"))
			.containsExactly("buildTar");
		assertThat(text(PROFILE + "/build/plugins/plugin[artifactId='jib-maven-plugin']/executions/execution/phase"))
			.isEqualTo("package");
		assertThat(text(JIB + "/outputPaths/tar")).isEqualTo("${project.build.directory}/membership-image.tar");
	}

	@Test
	void starts_the_service_with_its_command_line_and_exposes_the_api_and_management_ports() throws Exception {
		assertThat(text(JIB + "/container/mainClass")).isEqualTo(MembershipApplication.class.getName());
		assertThat(texts(JIB + "/container/ports/port")).containsExactly("8080", "8081");
		assertThat(text(JIB + "/container/environment/MANAGEMENT_SERVER_PORT")).isEqualTo("8081");
	}

	@Test
	void runs_as_a_user_that_is_not_root() throws Exception {
		String user = text(JIB + "/container/user");
		assertThat(user).matches("[0-9]+(:[0-9]+)?");
		assertThat(Integer.parseInt(user.split(":")[0])).isNotZero();
	}

	@Test
	void keeps_its_data_directory_on_a_volume_that_the_users_group_may_write() throws Exception {
		String dataDir = text(JIB + "/container/environment/MEMBERSHIP_DATA_DIR");
		assertThat(dataDir).isEqualTo("/var/lib/membership");
		assertThat(texts(JIB + "/container/volumes/volume")).containsExactly(dataDir);
		String group = text(JIB + "/container/user").split(":")[1];
		assertThat(group).as("the group the data directory belongs to in the image").isEqualTo("0");
		assertThat(text(JIB + "/extraDirectories/permissions/permission[file='" + dataDir + "']/mode"))
			.isEqualTo("775");
		assertThat(Path.of("src/main/jib" + dataDir)).isDirectory();
	}

	@Test
	void takes_a_temurin_jre_base_by_default_and_any_other_through_jib_from_image() throws Exception {
		assertThat(text(JIB + "/from/image")).isEqualTo("${jib.from.image}");
		assertThat(text(PROFILE + "/properties/jib.from.image")).startsWith("eclipse-temurin:17-jre");
	}

	@Test
	void the_deployment_files_run_the_image_it_builds() throws Exception {
		String version = ((String) this.xpath.evaluate("/project/parent/version", this.pom, XPathConstants.STRING))
			.strip();
		assertThat(text(PROFILE + "/properties/jib.to.image")).isEqualTo("membership:${project.version}");
		String image = "membership:" + version;
		for (Path file : List.of(Path.of("../deploy/compose.yaml"), Path.of("../deploy/kubernetes/membership.yaml"))) {
			List<String> images = imagesIn(file);
			assertThat(images).as(file.toString()).contains(image);
			assertThat(images.stream().filter((named) -> named.startsWith("membership:"))).as(file.toString())
				.containsOnly(image);
		}
	}

	private static List<String> imagesIn(Path file) throws IOException {
		Matcher images = Pattern.compile("(?m)^\\s*image:\\s*(\\S+)").matcher(Files.readString(file));
		List<String> found = new ArrayList<>();
		while (images.find()) {
			found.add(images.group(1));
		}
		return found;
	}

}
