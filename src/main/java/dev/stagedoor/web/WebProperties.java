package dev.stagedoor.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code stagedoor.web.*}: what browsers on other origins may do, and how long a request may
 * take.
 *
 * @param allowedOrigins origins (scheme://host[:port]) whose pages may call {@code /api/**};
 * empty (the default) allows only same-origin pages. {@code *} is refused: every call carries a
 * bearer token, and a wildcard would let any site's page use a fan's token it got hold of
 * @param streamTicketTtl how long a stream ticket ({@code POST /api/me/stream-tickets}) may be
 * used to open a stream, 1 s to 1 h
 * @param streamTicketSecret HS256 secret of stream tickets (at least 32 bytes); defaults to
 * {@code stagedoor.queue.token-secret} (tickets carry their own issuer, so neither kind of
 * token passes for the other)
 * @param requestTimeout the longest a non-streaming {@code /api} request may run before it is
 * answered 503 {@code unavailable} with {@code Retry-After} ({@link RequestTimeout}); 1 ms to 10 min
 * @param trustedProxies addresses or CIDR ranges of the proxies (load balancers, CDN) whose
 * {@code X-Forwarded-For} names the client ({@link ClientAddresses}); empty (the default): the
 * connection's peer is the client and the header is ignored
 */
@Validated
@ConfigurationProperties("stagedoor.web")
public record WebProperties(@DefaultValue List<String> allowedOrigins,
		@DefaultValue("10m") @NotNull Duration streamTicketTtl, String streamTicketSecret,
		@DefaultValue("10s") @NotNull Duration requestTimeout, @DefaultValue List<String> trustedProxies) {

	static final Duration MAX_STREAM_TICKET_TTL = Duration.ofHours(1);

	static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMinutes(10);

	@AssertTrue(message = "stagedoor.web.request-timeout must be between 1ms and 10m")
	boolean isRequestTimeoutInRange() {
		return this.requestTimeout == null || (this.requestTimeout.toMillis() >= 1
				&& this.requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) <= 0);
	}

	@AssertTrue(message = "stagedoor.web.allowed-origins must list origins explicitly: '*' is not allowed, since API calls carry bearer tokens")
	boolean isAllowedOriginsExplicit() {
		return this.allowedOrigins.stream().noneMatch(origin -> origin.contains("*"));
	}

	@AssertTrue(message = "stagedoor.web.allowed-origins must be origins like https://shop.example.com or http://localhost:3000 (scheme, host, "
			+ "optional port; no path)")
	boolean isAllowedOriginsWellFormed() {
		return this.allowedOrigins.stream().filter(origin -> !origin.contains("*")).allMatch(WebProperties::isOrigin);
	}

	@AssertTrue(message = "stagedoor.web.trusted-proxies must be IP addresses or CIDR ranges (10.0.0.0/8, fd00::/8)")
	boolean isTrustedProxiesWellFormed() {
		return this.trustedProxies.stream().allMatch(ClientAddresses.Range::isValid);
	}

	@AssertTrue(message = "stagedoor.web.stream-ticket-ttl must be between 1s and 1h")
	boolean isStreamTicketTtlInRange() {
		return this.streamTicketTtl == null || (this.streamTicketTtl.compareTo(Duration.ofSeconds(1)) >= 0
				&& this.streamTicketTtl.compareTo(MAX_STREAM_TICKET_TTL) <= 0);
	}

	@AssertTrue(message = "stagedoor.web.stream-ticket-secret must be at least 32 bytes (HS256 key); it defaults to stagedoor.queue.token-secret")
	boolean isStreamTicketSecretLongEnough() {
		return this.streamTicketSecret != null
				&& this.streamTicketSecret.getBytes(StandardCharsets.UTF_8).length >= 32;
	}

	private static boolean isOrigin(String origin) {
		try {
			URI uri = URI.create(origin);
			return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
					&& (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
					&& uri.getRawFragment() == null && uri.getRawUserInfo() == null;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
