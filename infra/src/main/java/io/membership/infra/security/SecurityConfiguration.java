package io.membership.infra.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import jakarta.validation.Validator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import io.membership.infra.web.ProblemWriter;
import io.membership.web.Problems;

/**
 * Every endpoint but health, the API documents and, on the management port only, the
 * Prometheus metrics needs a bearer token. The acting user is always the token's user id
 * (its {@code sub}, or the claim configured instead), which must be a positive integer (a
 * Label Studio user id) unless the token is a service principal's
 * ({@link UserIdClaimValidator}), every token must expire (with at most 60 s of clock
 * skew on {@code exp} and {@code nbf}) and name this service in {@code aud} when an
 * audience is configured, and an {@code email} claim, which the service stores, must be
 * an address a request body could carry ({@link EmailClaimValidator}).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SecurityConfiguration.class);

	static final String DEVELOPMENT_SECRET = "membership-development-secret-change-me!";

	/**
	 * Distinct tokens kept verified ({@link VerifiedTokenCache}): a few kilobytes each,
	 * far more than the callers active within its five minutes.
	 */
	private static final long VERIFIED_TOKENS_KEPT = 10_000;

	@Bean
	ApiPort apiPort() {
		return new ApiPort();
	}

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, ProblemResponses problems, ApiPort apiPort, JwtSettings settings)
			throws Exception {
		http.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers("/actuator/health", "/actuator/health/**", "/openapi.yaml", "/v3/api-docs", "/docs",
						"/docs/**", "/webjars/swagger-ui/**", "/error")
				.permitAll()
				// A scraper on the management port has no token; on the API port the path
				// stays closed (and is not served there).
				.requestMatchers(apiPort.elsewhere("/actuator/prometheus"))
				.permitAll()
				.anyRequest()
				.authenticated())
			.oauth2ResourceServer((server) -> server
				.jwt((jwt) -> jwt.jwtAuthenticationConverter(authenticatedAs(settings.userIdClaim())))
				.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden));
		return http.build();
	}

	/**
	 * The standard resolver, but a request with two {@code Authorization} headers is
	 * refused rather than authenticated by the first: Authorization is not a list header,
	 * and a proxy that reads the other one would check different credentials than the
	 * service.
	 */
	@Bean
	BearerTokenResolver bearerTokenResolver() {
		DefaultBearerTokenResolver standard = new DefaultBearerTokenResolver();
		return (request) -> {
			Enumeration<String> authorizations = request.getHeaders(HttpHeaders.AUTHORIZATION);
			if (authorizations != null && authorizations.hasMoreElements()) {
				authorizations.nextElement();
				if (authorizations.hasMoreElements()) {
					throw new OAuth2AuthenticationException(
							BearerTokenErrors.invalidRequest("Found more than one Authorization header"));
				}
			}
			return standard.resolve(request);
		};
	}

	/**
	 * Spring Security's strict firewall with its default rules, the character rules
	 * decided without regular expressions ({@link FirewallCharacters}): the same requests
	 * pass and are refused, at a fraction of the cost per header read.
	 */
	@Bean
	HttpFirewall httpFirewall() {
		StrictHttpFirewall firewall = new StrictHttpFirewall();
		firewall.setAllowedHeaderNames(FirewallCharacters::assignedAndNotControl);
		firewall.setAllowedHeaderValues(FirewallCharacters::headerValue);
		firewall.setAllowedParameterNames(FirewallCharacters::assignedAndNotControl);
		return firewall;
	}

	/**
	 * Requests the firewall refuses (encoded slashes, {@code /./}, header bytes it does
	 * not allow) get a problem with a code like every other error, not a bare 400.
	 */
	@Bean
	RequestRejectedHandler requestRejectedHandler(ProblemWriter problems) {
		return (request, response, rejected) -> problems.write(response, HttpStatus.BAD_REQUEST, "request_rejected",
				Problems.REQUEST_REJECTED_DETAIL);
	}

	@Bean
	JwtDecoder jwtDecoder(JwtSettings settings, Validator validator) {
		NimbusJwtDecoder decoder;
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		if (JwtSettings.hasText(settings.jwkSetUri())) {
			decoder = NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUri())
				.jwsAlgorithms((accepted) -> accepted(settings, accepted))
				.build();
			validators.add(JwtSettings.hasText(settings.issuerUri())
					? JwtValidators.createDefaultWithIssuer(settings.issuerUri()) : JwtValidators.createDefault());
		}
		else if (JwtSettings.hasText(settings.issuerUri())) {
			decoder = NimbusJwtDecoder.withIssuerLocation(settings.issuerUri())
				.jwsAlgorithms((accepted) -> accepted(settings, accepted))
				.build();
			validators.add(JwtValidators.createDefaultWithIssuer(settings.issuerUri()));
		}
		else {
			byte[] key = settings.secret().getBytes(StandardCharsets.UTF_8);
			if (key.length < 32) {
				throw new IllegalStateException("MEMBERSHIP_JWT_SECRET must be at least 32 bytes for HS256");
			}
			if (DEVELOPMENT_SECRET.equals(settings.secret())) {
				logger.warn("Accepting HS256 tokens signed with the development secret; set MEMBERSHIP_JWT_SECRET, "
						+ "or MEMBERSHIP_JWT_ISSUER_URI for production");
			}
			decoder = NimbusJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
				.macAlgorithm(MacAlgorithm.HS256)
				.build();
			validators.add(JwtValidators.createDefault());
		}
		// The default validators check exp and nbf with 60 s of clock skew, the most the
		// contract allows; exp must also be present.
		validators.add(SecurityConfiguration::requireExpiry);
		if (JwtSettings.hasText(settings.audience())) {
			validators.add(requireAudience(settings.audience().strip()));
		}
		validators.add(new UserIdClaimValidator(settings.userIdClaim()));
		validators.add(new EmailClaimValidator(validator));
		OAuth2TokenValidator<Jwt> tokenRules = new DelegatingOAuth2TokenValidator<>(validators);
		decoder.setJwtValidator(tokenRules);
		return new VerifiedTokenCache(decoder, tokenRules, VERIFIED_TOKENS_KEPT);
	}

	/**
	 * No observations of Spring Security at all, rather than observations switched off
	 * one by one: with the management property alone its filter chain was still wrapped,
	 * each filter in an observing decorator and the authentication manager in an
	 * observing one, which asked the registry on every request and allocated for spans
	 * nobody collects (about a sixth of a check's allocations in a profile). The HTTP
	 * server's observation, which gives the request metrics and the trace, stays.
	 */
	@Bean
	SecurityObservationSettings noSpringSecurityObservations() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * The authenticated name is the user id from the configured claim, or, for a service
	 * principal without one, its {@code sub}; the scopes are the standard ones.
	 */
	private static Converter<Jwt, AbstractAuthenticationToken> authenticatedAs(String userIdClaim) {
		JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
		return (jwt) -> new JwtAuthenticationToken(jwt, scopes.convert(jwt),
				UserIdClaimValidator.principal(jwt, userIdClaim));
	}

	private static void accepted(JwtSettings settings, Set<SignatureAlgorithm> accepted) {
		accepted.clear();
		for (String name : settings.algorithms()) {
			SignatureAlgorithm algorithm = SignatureAlgorithm.from(name.strip());
			if (algorithm == null) {
				throw new IllegalStateException("MEMBERSHIP_JWT_ALGORITHMS names " + name
						+ ", which is not a JWS signature algorithm (RS256, ES256, PS256, ...)");
			}
			accepted.add(algorithm);
		}
	}

	private static OAuth2TokenValidator<Jwt> requireAudience(String audience) {
		return (jwt) -> (jwt.getAudience() != null && jwt.getAudience().contains(audience))
				? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult
					.failure(new TokenRuleError("The token's aud does not name this service (" + audience + ")."));
	}

	private static OAuth2TokenValidatorResult requireExpiry(Jwt jwt) {
		return (jwt.getExpiresAt() != null) ? OAuth2TokenValidatorResult.success()
				: OAuth2TokenValidatorResult.failure(new TokenRuleError("The token has no exp claim."));
	}

}
