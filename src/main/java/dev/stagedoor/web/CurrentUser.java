package dev.stagedoor.web;

import org.springframework.security.core.Authentication;

/** The caller as Stagedoor sees it: the JWT subject and whether it holds the admin role. */
public record CurrentUser(String id, boolean admin) {

	public static CurrentUser of(Authentication authentication) {
		boolean admin = authentication.getAuthorities()
			.stream()
			.anyMatch(a -> ("ROLE_" + SecurityConfiguration.ADMIN).equals(a.getAuthority()));
		return new CurrentUser(authentication.getName(), admin);
	}

}
