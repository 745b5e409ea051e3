package dev.stagedoor.queue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

import dev.stagedoor.web.QueueTokenCheck;

/**
 * Admission tokens: HS256 JWTs ({@code iss=stagedoor-queue}, {@code sub} = user,
 * {@code concert} = concert id, {@code admission} = the end of the admission in ms, which
 * identifies that admission, {@code exp} = the same end in seconds) signed with
 * {@code stagedoor.queue.token-secret}, so any service holding the secret can check them
 * offline. Whether the user is still active in this very admission is a separate, online
 * check ({@link AdmissionCheck}): a user admitted again gets a new end, so the token of an
 * earlier admission no longer passes.
 */
@Component
public class AdmissionTokens implements QueueTokenCheck {

	static final String ISSUER = "stagedoor-queue";

	static final String CONCERT_CLAIM = "concert";

	static final String ADMISSION_CLAIM = "admission";

	private final JwtEncoder encoder;

	private final JwtDecoder decoder;

	private final Clock clock;

	AdmissionTokens(QueueProperties properties, Clock clock) {
		SecretKey key = new SecretKeySpec(properties.tokenSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
		this.encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ZERO);
		timestamps.setClock(clock);
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps, new JwtIssuerValidator(ISSUER)));
		this.decoder = decoder;
		this.clock = clock;
	}

	/**
	 * A token of the admission ending at {@code expiresAt}. Redis decides whether a user is
	 * admitted by its own clock: an admission it still saw may have ended by this JVM's clock a
	 * moment later; its token is then issued a millisecond before that end (already expired,
	 * never accepted) rather than failing the answer, or a stream tick, with it.
	 */
	String issue(String user, long concertId, Instant expiresAt) {
		Instant now = this.clock.instant();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer(ISSUER)
			.subject(user)
			.claim(CONCERT_CLAIM, String.valueOf(concertId))
			.claim(ADMISSION_CLAIM, String.valueOf(expiresAt.toEpochMilli()))
			.issuedAt(now.isBefore(expiresAt) ? now : expiresAt.minusMillis(1))
			.expiresAt(expiresAt)
			.build();
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
		return this.encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
	}

	/** Signature, issuer and expiry only: enough to let a hold into the admitted lane ({@code LoadShedding}). */
	@Override
	public boolean isGenuine(String queueToken) {
		if (queueToken == null || queueToken.isBlank()) {
			return false;
		}
		try {
			this.decoder.decode(queueToken);
			return true;
		}
		catch (JwtException ex) {
			return false;
		}
	}

	/**
	 * Offline verification: signature, issuer, expiry, and that it was issued to this user for
	 * this concert; a valid token's {@code expiresAt} is its admission's end, to the ms.
	 */
	public TokenVerdict verify(String token, String user, long concertId) {
		if (token == null || token.isBlank()) {
			return new TokenVerdict.Invalid("missing Queue-Token header");
		}
		Jwt jwt;
		try {
			jwt = this.decoder.decode(token);
		}
		catch (JwtException ex) {
			return new TokenVerdict.Invalid("token is invalid or expired");
		}
		if (!user.equals(jwt.getSubject())) {
			return new TokenVerdict.Invalid("token was issued to another user");
		}
		if (!String.valueOf(concertId).equals(jwt.getClaimAsString(CONCERT_CLAIM))) {
			return new TokenVerdict.Invalid("token was issued for another concert");
		}
		long admission;
		try {
			admission = Long.parseLong(String.valueOf(jwt.getClaimAsString(ADMISSION_CLAIM)));
		}
		catch (NumberFormatException ex) {
			return new TokenVerdict.Invalid("token names no admission");
		}
		return new TokenVerdict.Valid(user, concertId, Instant.ofEpochMilli(admission));
	}

	public sealed interface TokenVerdict {

		record Valid(String user, long concertId, Instant expiresAt) implements TokenVerdict {
		}

		record Invalid(String reason) implements TokenVerdict {
		}

	}

}
