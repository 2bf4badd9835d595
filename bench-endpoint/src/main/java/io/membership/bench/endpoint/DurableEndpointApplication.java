package io.membership.bench.endpoint;

import java.nio.charset.StandardCharsets;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The least a durable command endpoint can be on the service's stack: Spring Boot's
 * Tomcat and Spring MVC, Spring Security's OAuth2 resource server verifying the HS256
 * bearer token the bench signs (the key from {@code MEMBERSHIP_JWT_SECRET}, as the
 * service takes it), Hikari and PostgreSQL, and one endpoint ({@link EventRowController})
 * that stores one event-store row per request. The bench measures it beside the service
 * ({@code command_ratio_to_durable_endpoint}, docs/PERFORMANCE.md); it decides nothing,
 * reads nothing and publishes nothing, which is the point.
 */
@SpringBootApplication
public class DurableEndpointApplication {

	public static void main(String[] args) {
		SpringApplication.run(DurableEndpointApplication.class, args);
	}

	/**
	 * Every request needs a valid bearer token, nothing else is checked; the probes on
	 * the management port (which share this chain) need none, as the service's do not.
	 */
	@Bean
	SecurityFilterChain api(HttpSecurity http) throws Exception {
		http.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/actuator/health/**")
				.permitAll()
				.anyRequest()
				.authenticated())
			.oauth2ResourceServer((server) -> server.jwt((jwt) -> {
			}));
		return http.build();
	}

	/**
	 * HS256 with the shared secret, and Spring Security's default validators (expiry and
	 * not-before), as the service's embedded default verifies tokens.
	 */
	@Bean
	JwtDecoder jwtDecoder(@Value("${membership.jwt.secret}") String secret) {
		return NimbusJwtDecoder.withSecretKey(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
	}

}
