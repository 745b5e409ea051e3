package dev.stagedoor.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.Api;
import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 §2: input is parsed strictly. Integer fields take JSON integers only, every 400
 * names its field, no 400 goes out without a problem body, unknown ids answer 404 alike, and
 * schedules in the past or already started are refused — each refusal changing nothing.
 */
@IntegrationTest
class StrictInputIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Test
	void chargesTakeIntegerAmountsOnlyAndARefusedChargeCreditsNothing() {
		Fans fans = new Fans(this.port);
		String fan = "strict-charger";
		assertThat(fans.charge(fan, "first", 500).block().status()).isEqualTo(201);
		List<Map<String, Object>> ledger = fans.ledger(fan).block();

		String key = "refused-" + UUID.randomUUID();
		for (String body : List.of("{\"amount\":1.5}", "{\"amount\":1.0}", "{\"amount\":1e2}", "{\"amount\":\"100\"}",
				"{\"amount\":\"\"}", "{\"amount\":true}", "{\"amount\":99999999999999999999}", "{\"amount\":[100]}",
				"{\"amount\":{\"value\":100}}", "{\"amount\":0}", "{\"amount\":-5}", "{}")) {
			Map<String, Object> problem = expectProblem(charge(fan, key, body), 400, "validation-failed");
			assertThat(problem).as(body).containsEntry("field", "amount");
			assertThat((String) problem.get("detail")).as(body).startsWith("amount ");
			assertThat((List<?>) problem.get("errors")).as(body).singleElement().asString().startsWith("amount: ");
		}
		Map<String, Object> outOfRange = expectProblem(charge(fan, key, "{\"amount\":99999999999999999999}"), 400,
				"validation-failed");
		assertThat((String) outOfRange.get("detail")).contains("out of range");

		assertThat(fans.balance(fan).block()).isEqualTo(500);
		assertThat(fans.ledger(fan).block()).isEqualTo(ledger);
		// none of the refusals was stored under the key: it still takes its first charge
		charge(fan, key, "{\"amount\":100}").expectStatus().isCreated();
		assertThat(fans.balance(fan).block()).isEqualTo(600);
	}

	@Test
	void holdsTakeIntegerSeatIdsOnlyAndARefusedHoldHoldsNothing() {
		Drop drop = Drops.create(this.port, "strict holds", 1, 4);
		String fan = "strict-holder";
		String token = Admissions.admit(this.room, drop.concertId(), fan);
		long first = drop.seatIds().get(0);
		long second = drop.seatIds().get(1);

		Map<String, String> refused = Map.of("{\"seatIds\":[" + first + ".5]}", "seatIds[0]",
				"{\"seatIds\":[" + first + ".0]}", "seatIds[0]", "{\"seatIds\":[\"" + second + "\"]}", "seatIds[0]",
				"{\"seatIds\":[" + first + ",\"" + second + "\"]}", "seatIds[1]", "{\"seatIds\":[true]}", "seatIds[0]",
				"{\"seatIds\":[99999999999999999999]}", "seatIds[0]", "{\"seatIds\":\"" + first + "\"}", "seatIds",
				"{\"seatIds\":[" + first + "," + first + "]}", "seatIds");
		refused.forEach((body, field) -> {
			Map<String, Object> problem = expectProblem(hold(fan, token, drop.scheduleId(), body), 400,
					"validation-failed");
			assertThat(problem).as(body).containsEntry("field", field);
			assertThat((String) problem.get("detail")).as(body).startsWith(field + " ");
		});

		assertThat(Drops.statuses(this.port, drop.scheduleId()).values()).containsOnly("AVAILABLE");
		// nothing counted against the fan's limit of 4 either: all four seats can be held now
		hold(fan, token, drop.scheduleId(), "{\"seatIds\":" + drop.seatIds() + "}").expectStatus().isCreated();
		Drops.awaitSeat(this.port, drop.scheduleId(), first, "HELD");
	}

	@Test
	void countsAndPricesAreIntegersAndRefusedSettingsOrSchedulesChangeNothing() {
		long concert = Concerts.create(this.port, "strict counts");
		Concerts.configureQueue(this.port, concert, 10, 5, 60);
		Map<String, String> settings = Map.of("{\"maxActive\":10.5,\"admitPerSecond\":5,\"activeTtlSeconds\":60}",
				"maxActive", "{\"maxActive\":10,\"admitPerSecond\":\"5\",\"activeTtlSeconds\":60}", "admitPerSecond",
				"{\"maxActive\":10,\"admitPerSecond\":5,\"activeTtlSeconds\":false}", "activeTtlSeconds",
				"{\"maxActive\":3000000000,\"admitPerSecond\":5,\"activeTtlSeconds\":60}", "maxActive");
		settings.forEach((body, field) -> assertThat(expectProblem(Api.admin(this.port)
			.put()
			.uri("/api/admin/concerts/{id}/queue", concert)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange(), 400, "validation-failed")).as(body).containsEntry("field", field));
		Api.admin(this.port).get().uri("/api/admin/concerts/{id}/queue", concert).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.maxActive").isEqualTo(10)
			.jsonPath("$.admitPerSecond").isEqualTo(5)
			.jsonPath("$.activeTtlSeconds").isEqualTo(60);

		String startsAt = Instant.now().plus(30, ChronoUnit.DAYS).toString();
		Map<String, String> schedules = Map.of(section("\"rows\":2.5,\"seatsPerRow\":2,\"price\":100", startsAt),
				"sections[0].rows", section("\"rows\":2,\"seatsPerRow\":\"2\",\"price\":100", startsAt),
				"sections[0].seatsPerRow", section("\"rows\":2,\"seatsPerRow\":2,\"price\":99.9", startsAt),
				"sections[0].price", section("\"rows\":2,\"seatsPerRow\":2,\"price\":99999999999999999999", startsAt),
				"sections[0].price", section("\"rows\":2,\"seatsPerRow\":2,\"price\":100", "soon"), "startsAt");
		schedules.forEach((body, field) -> assertThat(expectProblem(Api.admin(this.port)
			.post()
			.uri("/api/admin/concerts/{id}/schedules", concert)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange(), 400, "validation-failed")).as(body).containsEntry("field", field));
		assertThat(schedules(concert)).isEmpty();
	}

	@Test
	void badPathVariablesAndQueryParametersNameTheParameter() {
		long concert = Concerts.create(this.port, "strict paths");
		WebTestClient fan = Api.user(this.port, "strict-path-fan");
		Map<String, Object> problem = expectProblem(fan.post().uri("/api/concerts/abc/queue").exchange(), 400,
				"validation-failed");
		assertThat(problem).containsEntry("field", "concertId");
		assertThat((String) problem.get("detail")).startsWith("concertId ").contains("\"abc\"").contains("path variable");
		assertThat(expectProblem(fan.get().uri("/api/concerts/99999999999999999999999/queue").exchange(), 400,
				"validation-failed")).containsEntry("field", "concertId");
		assertThat(expectProblem(fan.get().uri("/api/schedules/1.5/seats").exchange(), 400, "validation-failed"))
			.containsEntry("field", "scheduleId");
		assertThat(expectProblem(fan.get().uri("/api/concerts/x/schedules").exchange(), 400, "validation-failed"))
			.containsEntry("field", "concertId");
		Map<String, Object> limit = expectProblem(fan.get().uri("/api/me/points/ledger?limit=ten").exchange(), 400,
				"validation-failed");
		assertThat(limit).containsEntry("field", "limit");
		assertThat((String) limit.get("detail")).contains("query parameter");
		assertThat(expectProblem(fan.get().uri("/api/me/points/ledger?limit=0").exchange(), 400, "validation-failed"))
			.containsEntry("field", "limit");
		assertThat(expectProblem(fan.get().uri("/api/schedules/1/seats?status=GONE").exchange(), 400,
				"validation-failed")).containsEntry("field", "status");
		Map<String, Object> malformed = expectProblem(charge("strict-path-fan", "k", "{\"amount\":"), 400,
				"validation-failed");
		assertThat(malformed).containsEntry("field", "body");
		assertThat((String) malformed.get("detail")).contains("not valid JSON");
		assertThat(expectProblem(charge("strict-path-fan", null, "{\"amount\":1}"), 400, "validation-failed"))
			.containsEntry("field", "Idempotency-Key");

		// nobody entered any room, nothing was charged
		Api.admin(this.port).get().uri("/api/admin/concerts/{id}/queue", concert).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.waiting").isEqualTo(0);
		assertThat(new Fans(this.port).balance("strict-path-fan").block()).isZero();
	}

	@Test
	void requestsTheFirewallRefusesGetAProblemBodyAndChangeNothing() throws IOException {
		String fan = "strict-firewall-fan";
		Fans fans = new Fans(this.port);
		assertThat(fans.charge(fan, "ok", 300).block().status()).isEqualTo(201);

		RawReply traversal = raw("GET /api/reservations/..%2F.. HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
				+ TestTokens.user(fan) + "\r\nConnection: close\r\n\r\n", new byte[0]);
		assertThat(traversal.status()).isEqualTo(400);
		assertThat(traversal.contentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(traversal.body()).containsEntry("code", "malformed-request").containsEntry("status", 400)
			.containsEntry("field", "path");

		byte[] body = "{\"amount\":100}".getBytes(StandardCharsets.UTF_8);
		RawReply nonAscii = raw("POST /api/me/points/charges HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
				+ TestTokens.user(fan) + "\r\nIdempotency-Key: ключ-заказа-1\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body);
		assertThat(nonAscii.status()).isEqualTo(400);
		assertThat(nonAscii.contentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(nonAscii.body()).containsEntry("code", "malformed-request")
			.containsEntry("field", "Idempotency-Key");
		assertThat((String) nonAscii.body().get("detail")).doesNotContain("ключ");

		assertThat(fans.balance(fan).block()).isEqualTo(300);
		assertThat(fans.ledger(fan).block()).hasSize(1);
	}

	@Test
	void unknownIdsAnswerNotFoundAndKnownOnesAnswerAsTheirListsDo() {
		Drop drop = Drops.create(this.port, "strict lookups", 2, 3);
		WebTestClient fan = Api.user(this.port, "strict-lookup-fan");

		expectProblem(fan.get().uri("/api/concerts/999999999/schedules").exchange(), 404, "concert-not-found");
		expectProblem(fan.get().uri("/api/concerts/999999999").exchange(), 404, "concert-not-found");
		expectProblem(fan.get().uri("/api/schedules/999999999").exchange(), 404, "schedule-not-found");

		Map<String, Object> concert = fan.get().uri("/api/concerts/{id}", drop.concertId()).exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult().getResponseBody();
		List<Map<String, Object>> concerts = fan.get().uri("/api/concerts").exchange()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult().getResponseBody();
		assertThat(concerts).contains(concert);
		assertThat(concert).containsOnlyKeys("id", "title", "venue").containsEntry("title", "strict lookups");

		Map<String, Object> schedule = fan.get().uri("/api/schedules/{id}", drop.scheduleId()).exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult().getResponseBody();
		assertThat(schedules(drop.concertId())).containsExactly(schedule);
		assertThat(schedule).containsEntry("seatCount", 6).containsEntry("available", 6)
			.containsKeys("id", "concertId", "startsAt");

		long empty = Concerts.create(this.port, "strict no schedules");
		assertThat(schedules(empty)).isEmpty();
	}

	@Test
	void aScheduleCannotBeCreatedInThePast() {
		long concert = Concerts.create(this.port, "strict past");
		for (Instant startsAt : List.of(Instant.now().minus(1, ChronoUnit.MINUTES), Instant.parse("2020-01-01T00:00:00Z"))) {
			String body = section("\"rows\":1,\"seatsPerRow\":2,\"price\":100", startsAt.toString());
			Map<String, Object> problem = expectProblem(Api.admin(this.port)
				.post()
				.uri("/api/admin/concerts/{id}/schedules", concert)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body)
				.exchange(), 400, "validation-failed");
			assertThat(problem).containsEntry("field", "startsAt");
			assertThat((String) problem.get("detail")).isEqualTo("startsAt must be in the future.");
		}
		assertThat(schedules(concert)).isEmpty();
	}

	@Test
	void nothingCanBeHeldOnceTheScheduleHasStarted() {
		long concert = Concerts.create(this.port, "strict started");
		Concerts.configureQueue(this.port, concert, 100, 100, 3600);
		Instant startsAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
		long schedule = ((Number) Api.admin(this.port)
			.post()
			.uri("/api/admin/concerts/{id}/schedules", concert)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(section("\"rows\":1,\"seatsPerRow\":3,\"price\":100", startsAt.toString()))
			.exchange()
			.expectStatus().isCreated()
			.expectBody(Map.class)
			.returnResult().getResponseBody().get("id")).longValue();
		List<Long> seats = Drops.seatIds(this.port, schedule);
		Map<String, String> tokens = Admissions.admit(this.room, concert, List.of("early-fan", "late-fan"));
		hold("early-fan", tokens.get("early-fan"), schedule, "{\"seatIds\":[" + seats.get(0) + "]}")
			.expectStatus().isCreated();

		// wait for the wall clock to pass startsAt, nothing else
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
			.until(() -> Instant.now().isAfter(startsAt.plusMillis(100)));

		Map<String, Object> problem = expectProblem(
				hold("late-fan", tokens.get("late-fan"), schedule, "{\"seatIds\":[" + seats.get(1) + "]}"), 409,
				"schedule-started");
		assertThat(problem).containsEntry("startsAt", startsAt.toString());
		expectProblem(hold("early-fan", tokens.get("early-fan"), schedule, "{\"seatIds\":[" + seats.get(2) + "]}"), 409,
				"schedule-started");

		Map<Long, String> statuses = Drops.statuses(this.port, schedule);
		assertThat(statuses).containsEntry(seats.get(0), "HELD")
			.containsEntry(seats.get(1), "AVAILABLE")
			.containsEntry(seats.get(2), "AVAILABLE");
	}

	@Test
	void requestsRefusedBelowSpringGetAProblemBodyTooAndChangeNothing() throws IOException {
		long concert = Concerts.create(this.port, "strict below spring");
		String auth = "Host: localhost\r\nAuthorization: Bearer " + TestTokens.user("strict-raw-fan") + "\r\n";
		String enter = "POST /api/concerts/" + concert + "/queue HTTP/1.1\r\n" + auth;
		// Netty cannot decode these (a header name with a space, a NUL in a header value, a space
		// in the request line); Spring's adapter cannot parse the URI of the last two
		for (String head : List.of(enter + "Bad Header: x\r\nConnection: close\r\n\r\n",
				enter + "X-Note: a\u0000b\r\nConnection: close\r\n\r\n",
				"POST /api/concerts/" + concert + "/queue now HTTP/1.1\r\n" + auth + "Connection: close\r\n\r\n",
				"POST /api/concerts/" + concert + "/queue?x=%ZZ HTTP/1.1\r\n" + auth + "Connection: close\r\n\r\n",
				"GET /api/reservations/%ZZ HTTP/1.1\r\n" + auth + "Connection: close\r\n\r\n")) {
			RawReply reply = raw(head, new byte[0]);
			assertThat(reply.status()).as(head).isEqualTo(400);
			assertThat(reply.contentType()).as(head).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			assertThat(reply.body()).as(head).containsEntry("code", "malformed-request")
				.containsEntry("status", 400)
				.containsEntry("field", "request");
		}
		Api.admin(this.port).get().uri("/api/admin/concerts/{id}/queue", concert).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.waiting").isEqualTo(0).jsonPath("$.active").isEqualTo(0);
	}

	private static String section(String section, String startsAt) {
		return "{\"startsAt\":\"" + startsAt + "\",\"sections\":[{\"name\":\"A\"," + section + "}]}";
	}

	private List<Map<String, Object>> schedules(long concert) {
		return Api.user(this.port, "schedule-reader")
			.get()
			.uri("/api/concerts/{id}/schedules", concert)
			.exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
			})
			.returnResult().getResponseBody();
	}

	private WebTestClient.ResponseSpec charge(String user, String key, String body) {
		return Api.user(this.port, user)
			.post()
			.uri("/api/me/points/charges")
			.headers(h -> {
				if (key != null) {
					h.set("Idempotency-Key", key);
				}
			})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	private WebTestClient.ResponseSpec hold(String user, String queueToken, long schedule, String body) {
		return Api.user(this.port, user)
			.post()
			.uri("/api/schedules/{id}/reservations", schedule)
			.header("Queue-Token", queueToken)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	private static Map<String, Object> expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
		Map<String, Object> body = response.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(body).containsEntry("code", code).containsEntry("status", status).containsKey("title");
		return body;
	}

	/** One request written byte for byte (no client normalises the path or refuses the header). */
	private RawReply raw(String head, byte[] body) throws IOException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(head.getBytes(StandardCharsets.UTF_8));
			out.flush();
			// The body goes only to a server that waits for it: one that refuses the head answers
			// at once and closes, and body bytes it never read would make its close a reset that
			// can discard the answer before this reads it (a flaky "Connection reset" in full runs)
			InputStream in = new java.io.PushbackInputStream(socket.getInputStream());
			int first = -1;
			if (body.length > 0) {
				socket.setSoTimeout(1_000);
				try {
					first = in.read();
				}
				catch (java.net.SocketTimeoutException waitingForTheBody) {
					out.write(body);
					out.flush();
				}
				socket.setSoTimeout(10_000);
			}
			if (first >= 0) {
				((java.io.PushbackInputStream) in).unread(first);
			}
			ByteArrayOutputStream reply = new ByteArrayOutputStream();
			in.transferTo(reply);
			String text = reply.toString(StandardCharsets.UTF_8);
			int split = text.indexOf("\r\n\r\n");
			String[] lines = text.substring(0, split).split("\r\n");
			int status = Integer.parseInt(lines[0].split(" ")[1]);
			String contentType = "";
			boolean chunked = false;
			for (String line : lines) {
				String lower = line.toLowerCase();
				if (lower.startsWith("content-type:")) {
					contentType = line.substring(line.indexOf(':') + 1).trim();
				}
				chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
			}
			String payload = text.substring(split + 4);
			if (chunked) {
				payload = dechunk(payload);
			}
			Map<String, Object> json = payload.isBlank() ? Map.of() : JSON.readValue(payload, Map.class);
			return new RawReply(status, contentType, json);
		}
	}

	private static String dechunk(String chunked) {
		StringBuilder out = new StringBuilder();
		int at = 0;
		while (true) {
			int lineEnd = chunked.indexOf("\r\n", at);
			int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
			if (size == 0) {
				return out.toString();
			}
			byte[] rest = chunked.substring(lineEnd + 2).getBytes(StandardCharsets.UTF_8);
			String piece = new String(rest, 0, size, StandardCharsets.UTF_8);
			out.append(piece);
			at = lineEnd + 2 + piece.length() + 2;
		}
	}

	record RawReply(int status, String contentType, Map<String, Object> body) {
	}

}
