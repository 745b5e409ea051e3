package dev.stagedoor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Bearer tokens signed with the test/dev {@code stagedoor.auth.jwt-secret}. */
public final class TestTokens {

	private TestTokens() {
	}

	public static String user(String id) {
		return sign(id, List.of(), TestInfrastructure.AUTH_SECRET, Duration.ofHours(12));
	}

	public static String admin(String id) {
		return sign(id, List.of("admin"), TestInfrastructure.AUTH_SECRET, Duration.ofHours(12));
	}

	public static String sign(String subject, List<String> roles, String secret, Duration validFor) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(validFor)))
			.claim("roles", roles);
		if (subject != null) {
			claims.subject(subject);
		}
		return signed(claims.build(), secret);
	}

	/** A token with exactly these claims (none added), signed with the test secret. */
	public static String signed(JWTClaimsSet claims) {
		return signed(claims, TestInfrastructure.AUTH_SECRET);
	}

	private static String signed(JWTClaimsSet claims, String secret) {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
