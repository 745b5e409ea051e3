package dev.stagedoor.limits;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import dev.stagedoor.web.ClientAddresses;
import dev.stagedoor.web.WebProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which address a request counts against: the peer, or what {@code X-Forwarded-For} says
 * behind a trusted proxy, read from the right so a client cannot choose its own address.
 */
class ClientAddressesTests {

	static ClientAddresses trusting(String... proxies) {
		try {
			var constructor = ClientAddresses.class.getDeclaredConstructor(WebProperties.class);
			constructor.setAccessible(true);
			return constructor.newInstance(new WebProperties(List.of(), Duration.ofMinutes(10), "s".repeat(32),
					Duration.ofSeconds(10), List.of(proxies)));
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String address(ClientAddresses addresses, String peer, String... forwardedFor) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/concerts/1/queue")
			.remoteAddress(new InetSocketAddress(peer, 40_000));
		if (forwardedFor.length > 0) {
			request.header("X-Forwarded-For", forwardedFor);
		}
		return addresses.of(MockServerWebExchange.from(request));
	}

	@Test
	void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
		ClientAddresses none = trusting();
		assertThat(address(none, "198.51.100.7")).isEqualTo("198.51.100.7");
		assertThat(address(none, "198.51.100.7", "203.0.113.1")).isEqualTo("198.51.100.7");
	}

	@Test
	void behindATrustedProxyTheHopItAddedIsTheClient() {
		ClientAddresses lb = trusting("10.0.0.0/8", "127.0.0.1");
		assertThat(address(lb, "10.1.2.3", "203.0.113.1")).isEqualTo("203.0.113.1");
		// a client that sends the header itself: the proxy appends the real address last
		assertThat(address(lb, "10.1.2.3", "192.0.2.66, 203.0.113.1")).isEqualTo("203.0.113.1");
		// several trusted hops (CDN edge in 10/8, then the load balancer)
		assertThat(address(lb, "127.0.0.1", "203.0.113.1, 10.9.9.9")).isEqualTo("203.0.113.1");
		assertThat(address(lb, "127.0.0.1", "203.0.113.1", "10.9.9.9")).isEqualTo("203.0.113.1");
		// an untrusted peer's header is ignored
		assertThat(address(lb, "198.51.100.7", "203.0.113.1")).isEqualTo("198.51.100.7");
		// no header, or garbage, or only trusted hops
		assertThat(address(lb, "10.1.2.3")).isEqualTo("10.1.2.3");
		assertThat(address(lb, "10.1.2.3", "not-an-ip")).isEqualTo("10.1.2.3");
		assertThat(address(lb, "10.1.2.3", "10.4.4.4")).isEqualTo("10.4.4.4");
		assertThat(address(lb, "10.1.2.3", "[2001:db8::5]")).isEqualTo("2001:db8:0:0:0:0:0:5");
	}

	@Test
	void rangesMatchByPrefix() {
		ClientAddresses v6 = trusting("fd00::/8", "192.168.0.0/23");
		assertThat(address(v6, "fd12::1", "203.0.113.1")).isEqualTo("203.0.113.1");
		assertThat(address(v6, "192.168.1.200", "203.0.113.1")).isEqualTo("203.0.113.1");
		assertThat(address(v6, "192.168.2.1", "203.0.113.1")).isEqualTo("192.168.2.1");
	}

}
