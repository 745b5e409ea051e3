package dev.stagedoor.web;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The claim rules of bearer tokens, on both decoders: the HS256 one Stagedoor builds from
 * {@code stagedoor.auth.jwt-secret}, and the one Spring Boot builds from
 * {@code spring.security.oauth2.resourceserver.jwt.*} (here an RSA public key; the JWK-set and
 * issuer variants get their validators the same way).
 */
class BearerTokenValidationTests {

	static final String SECRET = "bearer-token-validation-tests-0123456789";

	static KeyPair rsa;

	@TempDir
	static Path dir;

	static Path publicKey;

	final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class,
				ReactiveOAuth2ResourceServerAutoConfiguration.class))
		.withUserConfiguration(Validation.class);

	@BeforeAll
	static void keys() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		rsa = generator.generateKeyPair();
		publicKey = dir.resolve("public.pem");
		Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n",
				StandardCharsets.US_ASCII);
	}

	@Test
	void hmacDecoderRequiresExpAndSubAndAllowsTheDefaultSkew() {
		this.runner.withPropertyValues("stagedoor.auth.jwt-secret=" + SECRET).run(context -> {
			ReactiveJwtDecoder decoder = context.getBean(ReactiveJwtDecoder.class);
			assertThat(decoder).isInstanceOf(NimbusReactiveJwtDecoder.class);
			assertDefaultRules(decoder, this::hmac);
		});
	}

	@Test
	void decoderBuiltBySpringBootAppliesTheSameRules() {
		this.runner
			.withPropertyValues(
					"spring.security.oauth2.resourceserver.jwt.public-key-location=" + publicKey.toUri())
			.run(context -> {
				ReactiveJwtDecoder decoder = context.getBean(ReactiveJwtDecoder.class);
				assertThat(decoder).isInstanceOf(NimbusReactiveJwtDecoder.class);
				assertDefaultRules(decoder, this::rsa);
			});
	}

	@Test
	void clockSkewIsConfigurableOnBothDecoders() {
		for (String source : new String[] { "stagedoor.auth.jwt-secret=" + SECRET,
				"spring.security.oauth2.resourceserver.jwt.public-key-location=" + publicKey.toUri() }) {
			Signing signing = source.startsWith("stagedoor") ? this::hmac : this::rsa;
			this.runner.withPropertyValues(source, "stagedoor.auth.clock-skew=0s").run(context -> {
				ReactiveJwtDecoder decoder = context.getBean(ReactiveJwtDecoder.class);
				refused(decoder, signing.sign(claims -> claims.subject("fan").expirationTime(ago(5))));
				accepted(decoder, signing.sign(claims -> claims.subject("fan").expirationTime(ago(-5))));
			});
			// a skew longer than Spring Security's default 60 s: only our validator checks the time
			this.runner.withPropertyValues(source, "stagedoor.auth.clock-skew=2m").run(context -> {
				ReactiveJwtDecoder decoder = context.getBean(ReactiveJwtDecoder.class);
				accepted(decoder, signing.sign(claims -> claims.subject("fan").expirationTime(ago(90))));
				refused(decoder, signing.sign(claims -> claims.subject("fan").expirationTime(ago(150))));
			});
		}
	}

	private void assertDefaultRules(ReactiveJwtDecoder decoder, Signing signing) {
		accepted(decoder, signing.sign(claims -> claims.subject("fan").expirationTime(ago(-3600))));
		// no exp: would never expire
		refused(decoder, signing.sign(claims -> claims.subject("fan")));
		// no sub, a blank one, one longer than a user id may be
		refused(decoder, signing.sign(claims -> claims.expirationTime(ago(-3600))));
		refused(decoder, signing.sign(claims -> claims.subject("  ").expirationTime(ago(-3600))));
		refused(decoder, signing.sign(claims -> claims.subject("x".repeat(129)).expirationTime(ago(-3600))));
		// the default 60 s skew: 10 s past exp is accepted, 90 s past is not
		accepted(decoder, signing.sign(claims -> claims.subject("fan").expirationTime(ago(10))));
		refused(decoder, signing.sign(claims -> claims.subject("fan").expirationTime(ago(90))));
		// nbf, when present, with the same skew
		refused(decoder, signing.sign(claims -> claims.subject("fan").expirationTime(ago(-3600)).notBeforeTime(ago(-90))));
		accepted(decoder, signing.sign(claims -> claims.subject("fan").expirationTime(ago(-3600)).notBeforeTime(ago(-10))));
		// a stream ticket or an admission token is never a bearer token, even with the same key
		refused(decoder, signing.sign(claims -> claims.subject("fan").issuer("stagedoor-stream").expirationTime(ago(-3600))));
		refused(decoder, signing.sign(claims -> claims.subject("fan").issuer("stagedoor-queue").expirationTime(ago(-3600))));
		accepted(decoder, signing.sign(claims -> claims.subject("fan").issuer("https://login.example.com").expirationTime(ago(-3600))));
	}

	private static void accepted(ReactiveJwtDecoder decoder, String token) {
		assertThat(decoder.decode(token).block(Duration.ofSeconds(5)).getSubject()).isEqualTo("fan");
	}

	private static void refused(ReactiveJwtDecoder decoder, String token) {
		assertThatExceptionOfType(JwtValidationException.class)
			.isThrownBy(() -> decoder.decode(token).block(Duration.ofSeconds(5)));
	}

	private static Date ago(long seconds) {
		return Date.from(Instant.now().minusSeconds(seconds));
	}

	private String hmac(Consumer<JWTClaimsSet.Builder> claims) {
		try {
			return sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String rsa(Consumer<JWTClaimsSet.Builder> claims) {
		return sign(new RSASSASigner((RSAPrivateKey) rsa.getPrivate()), JWSAlgorithm.RS256, claims);
	}

	private static String sign(JWSSigner signer, JWSAlgorithm algorithm, Consumer<JWTClaimsSet.Builder> claims) {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
		claims.accept(builder);
		SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), builder.build());
		try {
			jwt.sign(signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	@FunctionalInterface
	interface Signing {

		String sign(Consumer<JWTClaimsSet.Builder> claims);

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(AuthProperties.class)
	@Import(BearerTokenValidation.class)
	static class Validation {

	}

}
