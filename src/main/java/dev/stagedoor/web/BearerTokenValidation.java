package dev.stagedoor.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * What a bearer token must hold, whichever decoder verifies it: an {@code exp} (a token
 * without one would be valid forever), not more than {@code stagedoor.auth.clock-skew} in
 * the past (an {@code nbf}, when present, not further ahead than the skew), and a
 * {@code sub} of 1–{@value SecurityConfiguration#MAX_USER_ID_LENGTH} characters that is not
 * blank (the user id). {@code roles} is optional. Spring Security's defaults add that a
 * {@code typ} header, when present, is {@code JWT}.
 * <p>
 * With {@code stagedoor.auth.jwt-secret} the HS256 decoder below applies them. Without it
 * Spring Boot builds the decoder from {@code spring.security.oauth2.resourceserver.jwt.*}
 * and adds every {@code OAuth2TokenValidator<Jwt>} bean to its validators, so the same two
 * beans apply there. The timestamp validator must be a bean of its own: Spring Security
 * adds its default one (60 s skew, {@code exp} optional) only when the list holds no
 * {@link JwtTimestampValidator}.
 */
@Configuration(proxyBeanMethods = false)
class BearerTokenValidation {

	/** {@code exp} required, checked with {@code stagedoor.auth.clock-skew}; {@code nbf} too when present. */
	@Bean
	JwtTimestampValidator bearerTokenLifetimeValidator(AuthProperties properties) {
		JwtTimestampValidator validator = new JwtTimestampValidator(properties.clockSkew());
		validator.setAllowEmptyExpiryClaim(false);
		return validator;
	}

	/** {@code sub} required: the user id, not blank, at most 128 characters. */
	@Bean
	JwtClaimValidator<Object> bearerTokenSubjectValidator() {
		return new JwtClaimValidator<>(JwtClaimNames.SUB,
				sub -> sub instanceof String id && !id.isBlank() && id.length() <= SecurityConfiguration.MAX_USER_ID_LENGTH);
	}

	/**
	 * Never a token Stagedoor issued for something else (a stream ticket, an admission token),
	 * even where an operator signs them with the same secret as bearer tokens.
	 */
	@Bean
	OAuth2TokenValidator<Jwt> bearerTokenIssuerValidator() {
		// Set.of(...).contains(null) throws: most bearer tokens have no iss at all
		return jwt -> jwt.hasClaim(JwtClaimNames.ISS) && OWN_ISSUERS.contains(jwt.getClaimAsString(JwtClaimNames.ISS))
				? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
						"A stream ticket or an admission token is not a bearer token", null))
				: OAuth2TokenValidatorResult.success();
	}

	static final Set<String> OWN_ISSUERS = Set.of(StreamTickets.ISSUER, "stagedoor-queue");

	@Bean
	@ConditionalOnProperty("stagedoor.auth.jwt-secret")
	ReactiveJwtDecoder hmacJwtDecoder(AuthProperties properties, List<OAuth2TokenValidator<Jwt>> validators) {
		SecretKeySpec key = new SecretKeySpec(properties.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(key)
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(validators));
		return decoder;
	}

}
