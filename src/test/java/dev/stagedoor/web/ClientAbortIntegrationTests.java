package dev.stagedoor.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that resets its connection mid-request or mid-stream (as a load generator does when
 * it stops) is no error of the service: at most a DEBUG line, never an ERROR with a stack
 * trace, and an aborted request changes nothing.
 */
@IntegrationTest
class ClientAbortIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

	private final Logger handler = (Logger) LoggerFactory.getLogger(ProblemExceptionHandler.class);

	private final Logger aborts = (Logger) LoggerFactory.getLogger(ClientAborts.class);

	private Level handlerLevel;

	private Level abortsLevel;

	@BeforeEach
	void captureTheLog() {
		this.handlerLevel = this.handler.getLevel();
		this.handler.setLevel(Level.DEBUG);
		this.abortsLevel = this.aborts.getLevel();
		this.aborts.setLevel(Level.DEBUG);
		this.appender.start();
		this.root.addAppender(this.appender);
	}

	@AfterEach
	void releaseTheLog() {
		this.root.detachAppender(this.appender);
		this.appender.stop();
		this.handler.setLevel(this.handlerLevel);
		this.aborts.setLevel(this.abortsLevel);
	}

	@Test
	void aConnectionResetWhileTheRequestBodyIsSentIsNoErrorAndChangesNothing() throws IOException {
		long before = chargeExchanges();
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			send(socket, "POST /api/me/points/charges HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
					+ TestTokens.user("aborting-fan") + "\r\nIdempotency-Key: abort-1\r\n"
					+ "Content-Type: application/json\r\nContent-Length: 300\r\nExpect: 100-continue\r\n\r\n");
			// Reactor Netty answers 100 Continue when the handler subscribes to the body: the
			// request is being read when part of its body arrives and the connection is reset
			assertThat(readUntil(socket.getInputStream(), "\r\n\r\n")).startsWith("HTTP/1.1 100");
			send(socket, "{\"amount\":");
			socket.setSoLinger(true, 0);
		}

		// the server ends the exchange however the reset reaches it first: as an error of the
		// body (the web handler logs "Client went away during POST …" at DEBUG), as a
		// cancelled exchange (the dropped-error hook logs "… after its exchange ended"), or as
		// a body that ended early (a 400 nobody reads). Which one depends on timing, so the test
		// waits for the end the server records for every exchange, then for any late report
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(chargeExchanges()).isEqualTo(before + 1));
		assertNoErrorFor(Duration.ofSeconds(2));
		assertThat(new Fans(this.port).balance("aborting-fan").block(Duration.ofSeconds(30)))
			.as("an aborted charge credits nothing")
			.isZero();
	}

	/** Exchanges on the charge endpoint the server has finished, whatever their outcome. */
	private long chargeExchanges() {
		return this.meters.find("http.server.requests")
			.tag("uri", "/api/me/points/charges")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	@Test
	void aConnectionResetWhileAStreamIsOpenIsNoError() throws IOException {
		long schedule = Drops.schedule(this.port, Concerts.create(this.port, "aborted stream"), 1, 5, null);
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			send(socket, "GET /api/schedules/" + schedule + "/seats/stream HTTP/1.1\r\nHost: localhost\r\n"
					+ "Accept: text/event-stream\r\nAuthorization: Bearer " + TestTokens.user("streaming-fan") + "\r\n\r\n");
			String received = readUntil(socket.getInputStream(), "event:snapshot");
			assertThat(received).startsWith("HTTP/1.1 200");
			socket.setSoLinger(true, 0);
		}
		assertNoErrorFor(Duration.ofSeconds(2));
	}

	/**
	 * No ERROR (nor WARN) line about serving HTTP: from the server's event loops, Reactor,
	 * Netty, Spring's web layer or Stagedoor's. (Lines of unrelated background jobs, which a
	 * shared test context may run meanwhile, are not this test's business.)
	 */
	private void assertNoErrorFor(Duration period) {
		await().during(period)
			.atMost(period.plusSeconds(5))
			.untilAsserted(() -> assertThat(events(Level.ERROR, ""))
				.as("no ERROR line (an aborted client is not the service's error)")
				.isEmpty());
		assertThat(events(Level.WARN, "")).isEmpty();
	}

	private List<String> events(Level level, String text) {
		synchronized (this.appender.list) {
			return List.copyOf(this.appender.list)
				.stream()
				.filter(e -> e.getLevel().equals(level) && e.getFormattedMessage().contains(text) && aboutHttp(e))
				.map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
						+ (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName()))
				.toList();
		}
	}

	private static boolean aboutHttp(ILoggingEvent event) {
		String logger = event.getLoggerName();
		return event.getThreadName().contains("http") || logger.startsWith("reactor.")
				|| logger.startsWith("io.netty.") || logger.startsWith("org.springframework.web")
				|| logger.startsWith("org.springframework.http") || logger.startsWith("dev.stagedoor.web");
	}

	private static void send(Socket socket, String request) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static String readUntil(InputStream in, String marker) throws IOException {
		StringBuilder received = new StringBuilder();
		byte[] buffer = new byte[1024];
		while (!received.toString().contains(marker)) {
			int n = in.read(buffer);
			if (n < 0) {
				break;
			}
			received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
		}
		return received.toString();
	}

}
