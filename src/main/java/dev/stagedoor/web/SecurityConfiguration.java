package dev.stagedoor.web;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import reactor.core.publisher.Mono;

/**
 * Every {@code /api} call needs a bearer JWT; {@code sub} is the user, the claim
 * {@code roles: ["admin"]} unlocks {@code /api/admin} and the metrics
 * ({@code /actuator/metrics}, {@code /actuator/prometheus}: concert and schedule ids, sale
 * volumes and internal state are nobody else's business). Failures answer problem+json. What a
 * token must hold is {@link BearerTokenValidation}'s. Other paths are open, but a bearer
 * token sent to them is verified too (a bad one answers 401): that is how an admin token
 * unlocks the details of {@code /actuator/health}
 * ({@code management.endpoint.health.show-details: when-authorized}, roles {@code admin}).
 * The OpenAPI document and Swagger UI ({@link #API_DOCS}) are public.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	static final String ADMIN = "admin";

	static final int MAX_USER_ID_LENGTH = 128;

	/** The actuator endpoints for admins only; health (details aside), its probes and info stay public. */
	static final String[] ADMIN_ONLY_ACTUATOR_PATHS = { "/actuator/metrics", "/actuator/metrics/**",
			"/actuator/prometheus", "/actuator/prometheus/**" };

	/** The OpenAPI document and Swagger UI (springdoc): public, GET only, and nothing else under them. */
	static final String[] API_DOCS = { "/v3/api-docs", "/v3/api-docs/swagger-config", "/swagger-ui.html",
			"/webjars/swagger-ui/**" };

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ProblemWriter problems,
			ObjectProvider<ReactiveJwtDecoder> decoders, AuthProperties properties, StreamTickets tickets,
			WebProperties web) {
		ReactiveJwtDecoder decoder = decoders.getIfAvailable();
		if (decoder == null) {
			throw new IllegalStateException("No JWT verification configured: set stagedoor.auth.jwt-secret "
					+ "(HS256, at least 32 bytes) or spring.security.oauth2.resourceserver.jwt.issuer-uri / jwk-set-uri");
		}
		return http.cors(cors -> cors.configurationSource(corsConfiguration(web)))
			.addFilterAt(streamTicketFilter(tickets, problems), SecurityWebFiltersOrder.AUTHENTICATION)
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.authorizeExchange(exchanges -> exchanges.pathMatchers(HttpMethod.GET, API_DOCS)
				.permitAll()
				.pathMatchers("/api/admin/**")
				.hasRole(ADMIN)
				.pathMatchers(ADMIN_ONLY_ACTUATOR_PATHS)
				.hasRole(ADMIN)
				.pathMatchers("/api/**")
				.authenticated()
				.anyExchange()
				.permitAll())
			.oauth2ResourceServer(server -> server
				.jwt(jwt -> jwt.jwtDecoder(properties.tokenCacheSize() == 0 ? decoder
						: new CachingJwtDecoder(decoder, properties.tokenCacheSize()))
					.jwtAuthenticationConverter(new RolesConverter()))
				.authenticationEntryPoint((exchange, ex) -> problems.reject(exchange,
						Problem.of(HttpStatus.UNAUTHORIZED, "unauthorized", "A valid bearer token is required.")))
				.accessDeniedHandler((exchange, ex) -> problems.reject(exchange,
						Problem.of(HttpStatus.FORBIDDEN, "forbidden", "This call needs the admin role."))))
			.exceptionHandling(handling -> handling
				.authenticationEntryPoint((exchange, ex) -> problems.reject(exchange,
						Problem.of(HttpStatus.UNAUTHORIZED, "unauthorized", "A valid bearer token is required.")))
				.accessDeniedHandler((exchange, ex) -> problems.reject(exchange,
						Problem.of(HttpStatus.FORBIDDEN, "forbidden", "This call needs the admin role."))))
			.build();
	}

	/**
	 * CORS for {@code /api/**}: the listed origins may call with a bearer token (no cookies are
	 * used, so no credentials mode), send the API's own headers and read the ones it answers
	 * with. Without origins, no CORS headers at all: same-origin pages only. A preflight is
	 * answered here, before authentication (browsers never send a token with one).
	 */
	static CorsConfigurationSource corsConfiguration(WebProperties web) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		if (web.allowedOrigins().isEmpty()) {
			return source;
		}
		CorsConfiguration cors = new CorsConfiguration();
		cors.setAllowedOrigins(web.allowedOrigins());
		cors.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE"));
		cors.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, "Idempotency-Key",
				"Queue-Token", "Last-Event-ID", HttpHeaders.IF_NONE_MATCH));
		cors.setExposedHeaders(List.of(HttpHeaders.ETAG, HttpHeaders.RETRY_AFTER, HttpHeaders.LOCATION, "RateLimit",
				"RateLimit-Policy"));
		cors.setAllowCredentials(false);
		cors.setMaxAge(Duration.ofHours(1));
		source.registerCorsConfiguration("/api/**", cors);
		return source;
	}

	/**
	 * Authenticates {@code GET /api/…/stream?ticket=…} requests that carry no
	 * {@code Authorization} header with the ticket's user (and roles). Nothing else accepts a
	 * ticket: on any other endpoint the request is simply unauthenticated (401), and a ticket
	 * sent as a bearer token fails verification like any foreign token.
	 */
	static AuthenticationWebFilter streamTicketFilter(StreamTickets tickets, ProblemWriter problems) {
		AuthenticationWebFilter filter = new AuthenticationWebFilter(
				(ReactiveAuthenticationManager) authentication -> tickets
					.authenticate((String) authentication.getCredentials())
					.map(Authentication.class::cast));
		filter.setRequiresAuthenticationMatcher(exchange -> isTicketedStream(exchange.getRequest())
				? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch());
		filter.setServerAuthenticationConverter(exchange -> Mono.justOrEmpty(
				exchange.getRequest().getQueryParams().getFirst(TICKET_PARAMETER))
			.map(ticket -> new BearerTokenAuthenticationToken(ticket)));
		filter.setAuthenticationFailureHandler((webFilterExchange, ex) -> problems.write(
				webFilterExchange.getExchange().getResponse(), Problem.of(HttpStatus.UNAUTHORIZED, "unauthorized",
						"The stream ticket is invalid or expired; ask POST /api/me/stream-tickets for a new one.")));
		return filter;
	}

	static final String TICKET_PARAMETER = "ticket";

	private static boolean isTicketedStream(ServerHttpRequest request) {
		String path = request.getPath().pathWithinApplication().value();
		return HttpMethod.GET.equals(request.getMethod()) && path.startsWith("/api/") && path.endsWith("/stream")
				&& request.getQueryParams().containsKey(TICKET_PARAMETER)
				&& !request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
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
