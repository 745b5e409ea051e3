package dev.stagedoor.web;

import java.util.Collection;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every {@code /api} call needs a bearer JWT; {@code sub} is the user, the claim
 * {@code roles: ["admin"]} unlocks {@code /api/admin}. Failures answer problem+json. What a
 * token must hold is {@link BearerTokenValidation}'s. Other paths are open, but a bearer
 * token sent to them is verified too (a bad one answers 401): that is how an admin token
 * unlocks the details of {@code /actuator/health}
 * ({@code management.endpoint.health.show-details: when-authorized}, roles {@code admin}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	static final String ADMIN = "admin";

	static final int MAX_USER_ID_LENGTH = 128;

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ProblemWriter problems,
			ObjectProvider<ReactiveJwtDecoder> decoders, AuthProperties properties) {
		ReactiveJwtDecoder decoder = decoders.getIfAvailable();
		if (decoder == null) {
			throw new IllegalStateException("No JWT verification configured: set stagedoor.auth.jwt-secret "
					+ "(HS256, at least 32 bytes) or spring.security.oauth2.resourceserver.jwt.issuer-uri / jwk-set-uri");
		}
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.authorizeExchange(exchanges -> exchanges.pathMatchers("/api/admin/**")
				.hasRole(ADMIN)
				.pathMatchers("/api/**")
				.authenticated()
				.anyExchange()
				.permitAll())
			.oauth2ResourceServer(server -> server
				.jwt(jwt -> jwt.jwtDecoder(properties.tokenCacheSize() == 0 ? decoder
						: new CachingJwtDecoder(decoder, properties.tokenCacheSize()))
					.jwtAuthenticationConverter(new RolesConverter()))
				.authenticationEntryPoint((exchange, ex) -> problems.write(exchange.getResponse(),
						Problem.of(HttpStatus.UNAUTHORIZED, "unauthorized", "A valid bearer token is required.")))
				.accessDeniedHandler((exchange, ex) -> problems.write(exchange.getResponse(),
						Problem.of(HttpStatus.FORBIDDEN, "forbidden", "This call needs the admin role."))))
			.exceptionHandling(handling -> handling
				.authenticationEntryPoint((exchange, ex) -> problems.write(exchange.getResponse(),
						Problem.of(HttpStatus.UNAUTHORIZED, "unauthorized", "A valid bearer token is required.")))
				.accessDeniedHandler((exchange, ex) -> problems.write(exchange.getResponse(),
						Problem.of(HttpStatus.FORBIDDEN, "forbidden", "This call needs the admin role."))))
			.build();
	}

	/** Maps the {@code roles} claim to {@code ROLE_*} authorities. */
	static final class RolesConverter implements Converter<Jwt, Mono<AbstractAuthenticationToken>> {

		@Override
		public Mono<AbstractAuthenticationToken> convert(Jwt jwt) {
			List<String> roles = jwt.hasClaim("roles") ? jwt.getClaimAsStringList("roles") : List.of();
			Collection<GrantedAuthority> authorities = roles == null ? List.of()
					: roles.stream().<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList();
			return Mono.just(new JwtAuthenticationToken(jwt, authorities, jwt.getSubject()));
		}

	}

}
