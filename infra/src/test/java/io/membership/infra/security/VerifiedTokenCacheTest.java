package io.membership.infra.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import io.membership.infra.support.ApiClient;

/**
 * A token is verified once and then served from the cache, but every rule that depends on
 * the time is still applied on every use, and nothing that was not verified is ever
 * served.
 */
class VerifiedTokenCacheTest {

	private static final String SECRET = ApiClient.TEST_SECRET;

	private final Instant start = Instant.now();

	private final MutableClock clock = new MutableClock(this.start);

	private final JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ofSeconds(60));

	private final AtomicInteger verifications = new AtomicInteger();

	private final JwtDecoder cache;

	VerifiedTokenCacheTest() {
		this.timestamps.setClock(this.clock);
		NimbusJwtDecoder nimbus = NimbusJwtDecoder
			.withSecretKey(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		nimbus.setJwtValidator(this.timestamps);
		JwtDecoder counting = (token) -> {
			this.verifications.incrementAndGet();
			return nimbus.decode(token);
		};
		this.cache = new VerifiedTokenCache(counting, this.timestamps, 100);
	}

	private String tokenExpiringIn(Duration lifetime) {
		return ApiClient.token("42", null, this.start.plus(lifetime), SECRET);
	}

	@Test
	void the_same_token_is_verified_once_and_answers_the_same_claims() {
		String token = tokenExpiringIn(Duration.ofMinutes(10));

		Jwt first = this.cache.decode(token);
		Jwt second = this.cache.decode(token);

		assertThat(this.verifications).hasValue(1);
		assertThat(second.getSubject()).isEqualTo("42");
		assertThat(second.getClaims()).isEqualTo(first.getClaims());
	}

	@Test
	void a_kept_token_is_refused_once_it_expires_as_an_uncached_one_is() {
		String token = tokenExpiringIn(Duration.ofMinutes(1));
		this.cache.decode(token);

		this.clock.advance(Duration.ofMinutes(2).plusSeconds(1));

		assertThatThrownBy(() -> this.cache.decode(token)).isInstanceOf(JwtValidationException.class)
			.hasMessageContaining("Jwt expired at");
		assertThatThrownBy(() -> this.cache.decode(token)).isInstanceOf(JwtValidationException.class)
			.hasMessageContaining("Jwt expired at");
		assertThat(this.verifications).as("refused again by the full decoder once forgotten").hasValue(2);
	}

	@Test
	void a_refused_token_is_not_kept() {
		String expired = tokenExpiringIn(Duration.ofMinutes(-5));

		assertThatThrownBy(() -> this.cache.decode(expired)).isInstanceOf(JwtValidationException.class);
		assertThatThrownBy(() -> this.cache.decode(expired)).isInstanceOf(JwtValidationException.class);

		assertThat(this.verifications).hasValue(2);
	}

	@Test
	void the_claims_of_a_kept_token_under_another_signature_are_verified_and_refused() {
		String token = tokenExpiringIn(Duration.ofMinutes(10));
		this.cache.decode(token);
		String forged = token.substring(0, token.lastIndexOf('.') + 1)
				+ tokenExpiringIn(Duration.ofMinutes(20)).substring(token.lastIndexOf('.') + 1);

		assertThatThrownBy(() -> this.cache.decode(forged)).isInstanceOf(BadJwtException.class);
		assertThat(this.verifications).hasValue(2);
	}

	private static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
