package dev.stagedoor.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.auth.*}: when {@code jwt-secret} is set, bearer tokens are HS256 JWTs
 * signed with it; otherwise the standard {@code spring.security.oauth2.resourceserver.jwt.*}
 * settings (issuer or JWK set) apply. {@code token-cache-size} bounds how many verified tokens
 * are remembered (0 verifies every request's token afresh). {@code clock-skew} is how far
 * past its {@code exp} (and before its {@code nbf}) a token is still accepted, for clocks
 * that disagree with the issuer's.
 */
@Validated
@ConfigurationProperties("stagedoor.auth")
public record AuthProperties(String jwtSecret, @DefaultValue("100000") @PositiveOrZero int tokenCacheSize,
		@DefaultValue("60s") @NotNull @DurationMin(millis = 0, message = "must not be negative") Duration clockSkew) {

	public boolean hasSecret() {
		return this.jwtSecret != null && !this.jwtSecret.isBlank();
	}

	@AssertTrue(message = "must be at least 32 bytes (HS256 key) when set")
	boolean isJwtSecretLongEnough() {
		return !hasSecret() || this.jwtSecret.getBytes(StandardCharsets.UTF_8).length >= 32;
	}

}
