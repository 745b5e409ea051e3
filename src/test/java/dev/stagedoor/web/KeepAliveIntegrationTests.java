package dev.stagedoor.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request on a kept-alive HTTP/1.1 connection is answered. Reactor Netty buffers a request
 * that arrives while the one before is still being served; when the buffered one was answered
 * within the same call (a CORS preflight, a static page, a 404: nothing asynchronous on their
 * way), Reactor Netty up to 1.3.7 never read the connection again (reactor-netty issue 4361):
 * the next request sat unread in the socket, with no idle timeout armed to close it. This is
 * how drops and the browser tests lost requests (issue 16, "every request answered").
 */
@IntegrationTest
class KeepAliveIntegrationTests {

	private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

	@LocalServerPort
	int port;

	/**
	 * A request that arrives while the one before is still served (pipelined here, which makes
	 * the timing certain; a browser or load generator sending right after an answer hits the
	 * same path now and then), answered at once, must leave the connection readable.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("answeredAtOnce")
	void theRequestAfterOneAnsweredAtOnceIsAnswered(String kind, String request, int status) throws IOException {
		String slow = "GET /api/me/points HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
				+ TestTokens.user("kept-alive-fan") + "\r\n\r\n";
		for (int round = 0; round < 3; round++) {
			try (Socket socket = new Socket("127.0.0.1", this.port)) {
				socket.setSoTimeout(10_000);
				send(socket, slow + request);
				assertThat(statuses(socket.getInputStream(), 2)).as("round %d", round).containsExactly(200, status);
				send(socket, slow);
				assertThat(statuses(socket.getInputStream(), 1)).as("round %d, the request after", round)
					.containsExactly(200);
			}
		}
	}

	static Stream<Arguments> answeredAtOnce() {
		String fan = TestTokens.user("kept-alive-fan");
		return Stream.of(
				Arguments.of("a CORS preflight", "OPTIONS /api/me/points HTTP/1.1\r\nHost: localhost\r\n"
						+ "Origin: http://shop.example\r\nAccess-Control-Request-Method: GET\r\n\r\n", 200),
				Arguments.of("a static page", "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n", 200),
				Arguments.of("an unknown path", "GET /api/nothing-here HTTP/1.1\r\nHost: localhost\r\n"
						+ "Authorization: Bearer " + fan + "\r\n\r\n", 404));
	}

	private static void send(Socket socket, String requests) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(requests.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	/** The status codes of the first {@code count} answers, fewer if the server stops answering. */
	private static List<Integer> statuses(InputStream in, int count) throws IOException {
		StringBuilder received = new StringBuilder();
		List<Integer> statuses = new ArrayList<>();
		byte[] buffer = new byte[8192];
		try {
			while (statuses.size() < count) {
				int n = in.read(buffer);
				if (n < 0) {
					break;
				}
				received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
				statuses.clear();
				Matcher matcher = STATUS_LINE.matcher(received);
				while (matcher.find()) {
					statuses.add(Integer.parseInt(matcher.group(1)));
				}
			}
		}
		catch (SocketTimeoutException ex) {
			// nothing more within the socket's timeout: the answers so far are the result
		}
		return statuses;
	}

}
