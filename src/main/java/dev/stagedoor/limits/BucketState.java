package dev.stagedoor.limits;

import java.util.List;
import java.util.stream.Collectors;

import org.springframework.http.HttpHeaders;

import dev.stagedoor.limits.RateLimitProperties.Bucket;

/**
 * One bucket as a request left it: its policy name ({@code "<class>-user"} or
 * {@code "<class>-address"}), its configuration, the whole tokens left and the ms until it is
 * full again. Limited endpoints answer with these as the IETF {@code RateLimit-Policy} and
 * {@code RateLimit} headers, one item per bucket.
 */
public record BucketState(String policy, Bucket bucket, long remaining, long fullInMs) {

	static final String POLICY_HEADER = "RateLimit-Policy";

	static final String STATE_HEADER = "RateLimit";

	/** Sets both headers for the buckets checked (none: no headers). */
	public static void writeHeaders(HttpHeaders headers, List<BucketState> states) {
		if (states.isEmpty()) {
			return;
		}
		headers.set(POLICY_HEADER, states.stream()
			.map(s -> "\"" + s.policy + "\";q=" + s.bucket.capacity() + ";w=" + s.bucket.windowSeconds())
			.collect(Collectors.joining(", ")));
		headers.set(STATE_HEADER, states.stream()
			.map(s -> "\"" + s.policy + "\";r=" + s.remaining + ";t=" + seconds(s.fullInMs))
			.collect(Collectors.joining(", ")));
	}

	/** Whole seconds, rounded up. */
	public static long seconds(long millis) {
		return (millis + 999) / 1000;
	}

}
