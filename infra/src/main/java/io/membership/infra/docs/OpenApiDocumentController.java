package io.membership.infra.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.DumperOptions;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the hand-written OpenAPI document, the contract as this service implements it:
 * as written at {@code /openapi.yaml}, and as JSON at {@code /v3/api-docs}, where tools
 * look for it. Both are open without a token.
 *
 * <p>
 * The JSON is converted once, at start-up, so a document that does not parse stops the
 * service instead of being served broken. SnakeYAML converts it because Spring Boot ships
 * it already; with Jackson's YAML module on the classpath, Spring MVC would register a
 * YAML message converter and every endpoint would read and write YAML as well.
 */
@RestController
class OpenApiDocumentController {

	static final String DOCUMENT = "openapi/membership.yaml";

	static final MediaType APPLICATION_YAML = MediaType.parseMediaType("application/yaml");

	private final byte[] yaml;

	private final byte[] json;

	OpenApiDocumentController() {
		this.yaml = read(DOCUMENT);
		Object document = jsonCompatibleYaml().load(new String(this.yaml, StandardCharsets.UTF_8));
		this.json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsBytes(document);
	}

	@GetMapping(path = "/openapi.yaml", produces = "application/yaml")
	ResponseEntity<byte[]> yaml() {
		return ResponseEntity.ok().contentType(APPLICATION_YAML).body(this.yaml);
	}

	@GetMapping(path = "/v3/api-docs", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> json() {
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(this.json);
	}

	private static byte[] read(String location) {
		try {
			return new ClassPathResource(location).getContentAsByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The OpenAPI document " + location + " is missing", ex);
		}
	}

	/**
	 * Plain data only, duplicate keys refused, and scalars read as JSON reads them (YAML
	 * 1.2): only {@code true} and {@code false} are booleans, so a bare role code
	 * {@code NO} or a date stays a string instead of becoming {@code false} or a
	 * timestamp as in YAML 1.1.
	 */
	private static Yaml jsonCompatibleYaml() {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		DumperOptions dumperOptions = new DumperOptions();
		return new Yaml(new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options,
				new JsonScalars());
	}

	private static final class JsonScalars extends Resolver {

		@Override
		protected void addImplicitResolvers() {
			addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:true|false)$"), "tf", 10);
			addImplicitResolver(Tag.INT, Pattern.compile("^-?(?:0|[1-9][0-9]*)$"), "-0123456789", 30);
			addImplicitResolver(Tag.FLOAT, Pattern.compile("^-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$"),
					"-0123456789", 40);
			addImplicitResolver(Tag.NULL, Pattern.compile("^(?:null|~)$"), "n~", 10);
			addImplicitResolver(Tag.NULL, Resolver.EMPTY, null, 10);
		}

	}

}
