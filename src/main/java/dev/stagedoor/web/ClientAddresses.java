package dev.stagedoor.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The client address of a request, for the per-address limits: the connection's peer, or, when
 * that peer is a trusted proxy ({@code stagedoor.web.trusted-proxies}), what
 * {@code X-Forwarded-For} says. The header is read from the right: each hop a trusted proxy
 * added is skipped, and the first address no trusted proxy vouches for is the client (so a
 * client cannot pick its address by sending the header itself: the proxy appends the real
 * one). From an untrusted peer the header is ignored.
 */
@Component
public class ClientAddresses {

	/** The exchange attribute the resolved address is kept in for the handlers. */
	public static final String ATTRIBUTE = ClientAddresses.class.getName() + ".address";

	private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

	private final List<Range> trusted;

	ClientAddresses(WebProperties properties) {
		this.trusted = properties.trustedProxies().stream().map(Range::parse).toList();
	}

	/** The address resolved for this exchange (once, then kept as {@link #ATTRIBUTE}). */
	public String of(ServerWebExchange exchange) {
		if (exchange.getAttribute(ATTRIBUTE) instanceof String known) {
			return known;
		}
		String address = resolve(exchange.getRequest());
		exchange.getAttributes().put(ATTRIBUTE, address);
		return address;
	}

	String resolve(ServerHttpRequest request) {
		InetSocketAddress remote = request.getRemoteAddress();
		InetAddress peer = remote == null ? null : remote.getAddress();
		if (peer == null) {
			return "unknown";
		}
		InetAddress client = peer;
		if (isTrusted(peer)) {
			List<String> hops = new ArrayList<>();
			for (String header : request.getHeaders().getOrEmpty("X-Forwarded-For")) {
				for (String hop : header.split(",")) {
					hops.add(hop.trim());
				}
			}
			for (int i = hops.size() - 1; i >= 0; i--) {
				InetAddress hop = literal(hops.get(i));
				if (hop == null) {
					break;
				}
				client = hop;
				if (!isTrusted(hop)) {
					break;
				}
			}
		}
		return client.getHostAddress();
	}

	boolean isTrusted(InetAddress address) {
		return this.trusted.stream().anyMatch(range -> range.contains(address));
	}

	/** An IP literal, never a name lookup; null when it is not one. */
	static InetAddress literal(String text) {
		String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
		if (bare.isEmpty() || !IP_LITERAL.matcher(bare).matches()) {
			return null;
		}
		try {
			return InetAddress.getByName(bare);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/** One address or CIDR range ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}). */
	record Range(byte[] network, int prefixBits) {

		static Range parse(String text) {
			String[] parts = text.trim().split("/", 2);
			InetAddress address = literal(parts[0]);
			if (address == null) {
				throw new IllegalArgumentException("not an IP address or CIDR range: '" + text + "'");
			}
			int bits = address.getAddress().length * 8;
			int prefix = bits;
			if (parts.length == 2) {
				try {
					prefix = Integer.parseInt(parts[1]);
				}
				catch (NumberFormatException ex) {
					prefix = -1;
				}
				if (prefix < 0 || prefix > bits) {
					throw new IllegalArgumentException("not an IP address or CIDR range: '" + text + "'");
				}
			}
			return new Range(address.getAddress(), prefix);
		}

		static boolean isValid(String text) {
			try {
				parse(text);
				return true;
			}
			catch (IllegalArgumentException ex) {
				return false;
			}
		}

		boolean contains(InetAddress address) {
			byte[] bytes = address.getAddress();
			if (bytes.length != this.network.length) {
				return false;
			}
			int full = this.prefixBits / 8;
			for (int i = 0; i < full; i++) {
				if (bytes[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefixBits % 8;
			if (rest == 0) {
				return true;
			}
			int mask = 0xFF << (8 - rest) & 0xFF;
			return (bytes[full] & mask) == (this.network[full] & mask);
		}

	}

}
