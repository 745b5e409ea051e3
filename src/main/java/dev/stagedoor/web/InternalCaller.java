package dev.stagedoor.web;

import java.time.Instant;
import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The authentication an instance gives the requests it sends itself (the start-up warm-up),
 * placed in the request's Reactor context by the sender. No request's credentials are ever
 * turned into one (bearer tokens become plain {@link JwtAuthenticationToken}s, stream tickets
 * their own kind), so no client can present it. The fair-play limits (per user, per client
 * address, entries per address) do not apply to it: the instance's own traffic before it is
 * ready is no fan's.
 */
public final class InternalCaller extends JwtAuthenticationToken {

	private InternalCaller(Jwt jwt) {
		super(jwt, List.of());
	}

	/** An internal caller acting as {@code user}; its {@link Jwt} is a placeholder, never signed nor sent. */
	public static InternalCaller named(String user) {
		Instant now = Instant.now();
		return new InternalCaller(Jwt.withTokenValue("internal")
			.header("alg", "none")
			.subject(user)
			.issuedAt(now)
			.expiresAt(now.plusSeconds(300))
			.build());
	}

	public static boolean is(Authentication authentication) {
		return authentication instanceof InternalCaller;
	}

}
