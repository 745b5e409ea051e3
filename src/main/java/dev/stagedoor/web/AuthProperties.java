package dev.stagedoor.web;

import java.nio.charset.StandardCharsets;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.auth.*}: when {@code jwt-secret} is set, bearer tokens are HS256 JWTs
 * signed with it; otherwise the standard {@code spring.security.oauth2.resourceserver.jwt.*}
 * settings (issuer or JWK set) apply. {@code token-cache-size} bounds how many verified tokens
 * are remembered (0 verifies every request's token afresh).
 */
@Validated
@ConfigurationProperties("stagedoor.auth")
public record AuthProperties(String jwtSecret, @DefaultValue("100000") @PositiveOrZero int tokenCacheSize) {

	public boolean hasSecret() {
		return this.jwtSecret != null && !this.jwtSecret.isBlank();
	}

	@AssertTrue(message = "must be at least 32 bytes (HS256 key) when set")
	boolean isJwtSecretLongEnough() {
		return !hasSecret() || this.jwtSecret.getBytes(StandardCharsets.UTF_8).length >= 32;
	}

}
