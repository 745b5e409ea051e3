package dev.stagedoor.web;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Stream tickets: what a browser's {@code EventSource}, which cannot send an
 * {@code Authorization} header, puts in a stream's URL instead of the bearer token. A ticket
 * is an HS256 JWT ({@code iss=stagedoor-stream}, {@code sub} = user, {@code roles} copied from
 * the bearer token, {@code exp} = now + {@code stagedoor.web.stream-ticket-ttl}) signed with
 * {@code stagedoor.web.stream-ticket-secret}. It opens {@code GET …/stream} endpoints only
 * ({@link SecurityConfiguration}); it never passes for a bearer token or an admission token
 * (other issuer), so a leaked URL exposes one user's streams for minutes, not the account.
 */
@Component
public class StreamTickets {

	static final String ISSUER = "stagedoor-stream";

	static final String ROLES = "roles";

	private final JwtEncoder encoder;

	private final ReactiveJwtDecoder decoder;

	private final Duration ttl;

	private final Clock clock;

	StreamTickets(WebProperties properties, Clock clock) {
		SecretKey key = new SecretKeySpec(properties.streamTicketSecret().getBytes(StandardCharsets.UTF_8),
				"HmacSHA256");
		this.encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(key)
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ZERO);
		timestamps.setClock(clock);
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps, new JwtIssuerValidator(ISSUER),
				new JwtClaimValidator<Instant>(JwtClaimNames.EXP, exp -> exp != null),
				new JwtClaimValidator<String>(JwtClaimNames.SUB, sub -> sub != null && !sub.isBlank())));
		this.decoder = decoder;
		this.ttl = properties.streamTicketTtl();
		this.clock = clock;
	}

	/** A ticket for the caller, with the caller's roles. */
	Ticket issue(Authentication caller) {
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(this.ttl);
		List<String> roles = caller.getAuthorities()
			.stream()
			.map(a -> a.getAuthority())
			.filter(a -> a.startsWith("ROLE_"))
			.map(a -> a.substring("ROLE_".length()))
			.toList();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer(ISSUER)
			.subject(caller.getName())
			.claim(ROLES, roles)
			.issuedAt(now)
			.expiresAt(expiresAt)
			.build();
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
		return new Ticket(this.encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue(), expiresAt);
	}

	/** The user a valid ticket names, as an authentication; an error for any other ticket. */
	Mono<AbstractAuthenticationToken> authenticate(String ticket) {
		return this.decoder.decode(ticket)
			.onErrorMap(ex -> new BadCredentialsException("The stream ticket is invalid or expired.", ex))
			.flatMap(new SecurityConfiguration.RolesConverter()::convert);
	}

	/** {@code ticket} goes into a stream URL as {@code ?ticket=}; it works until {@code expiresAt}. */
	public record Ticket(String ticket, Instant expiresAt) {
	}

}
