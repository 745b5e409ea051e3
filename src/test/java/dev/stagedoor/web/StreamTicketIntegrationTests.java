package dev.stagedoor.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import dev.stagedoor.Api;
import dev.stagedoor.Buying;
import dev.stagedoor.Concerts;
import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestInfrastructure;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.HoldingClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Stream tickets: what {@code new EventSource(url)} uses instead of an Authorization header.
 * Every stream here is opened exactly as a browser's EventSource opens it: a GET with
 * {@code Accept: text/event-stream}, the ticket in the URL, no Authorization header. Those
 * requests, and the others carrying a ticket in the URL, go out raw (a URL of the test's
 * making, as {@link Api} sends it); the ordinary calls go through {@link StagedoorClient}.
 */
@IntegrationTest
class StreamTicketIntegrationTests {

	static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENT = new ParameterizedTypeReference<>() {
	};

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	WebProperties web;

	StagedoorClient client() {
		return StagedoorClient.on(this.port);
	}

	@Test
	void aTicketIsIssuedForTheCallerAndLivesTheConfiguredTime() {
		ApiReply issued = client().streamTicket(TestTokens.user("ticket-holder")).block(TIMEOUT).expect(201);
		assertThat(issued.headers().get("Cache-Control")).containsExactly("no-store");
		Map<?, ?> body = issued.body();
		assertThat((String) body.get("ticket")).isNotBlank();
		Instant expiresAt = Instant.parse((String) body.get("expiresAt"));
		assertThat(Duration.between(Instant.now(), expiresAt).toSeconds())
			.isCloseTo(this.web.streamTicketTtl().toSeconds(), within(5L));
		client().streamTicket(null).block(TIMEOUT).expect(401);
	}

	@Test
	void aTicketFollowsTheQueueStreamToAdmission() {
		long concert = Concerts.create(this.port, "ticketed queue");
		Concerts.configureQueue(this.port, concert, 1, 100, 600);
		Admissions.enter(this.room, concert, "ahead");
		Admissions.enter(this.room, concert, "browser-fan");
		String ticket = ticket("browser-fan");

		eventSource("/api/concerts/" + concert + "/queue/stream?ticket=" + ticket)
			.filter(event -> "status".equals(event.event()))
			.map(ServerSentEvent::data)
			.as(StepVerifier::create)
			.assertNext(view -> assertThat(view).containsEntry("status", "WAITING").containsEntry("position", 2))
			.then(() -> {
				client().leaveQueue(TestTokens.user("ahead"), concert).block(TIMEOUT).expect(204);
				Admissions.step(this.room, concert);
			})
			.assertNext(view -> assertThat(view).containsEntry("status", "ADMITTED").containsKey("token"))
			.expectComplete()
			.verify(Duration.ofSeconds(20));
	}

	@Test
	void aTicketFollowsAReservationToConfirmedAndLastEventIdResumesWithoutAGap() {
		Drop drop = Drops.create(this.port, "ticketed reservation", 1, 2);
		String user = "ticket-buyer";
		new Fans(this.port).charge(user, UUID.randomUUID().toString(), 1_000).block();
		String token = Admissions.admit(this.room, drop.concertId(), user);
		String id = (String) new HoldingClient(this.port).hold(drop.scheduleId(), user, token, drop.seatIds().subList(0, 1))
			.get("id");
		String ticket = ticket(user);

		eventSource("/api/reservations/" + id + "/stream?ticket=" + ticket)
			.filter(event -> "state".equals(event.event()))
			.as(StepVerifier::create)
			.assertNext(event -> {
				assertThat(event.id()).isEqualTo("1");
				assertThat(event.data()).containsEntry("state", "HELD");
			})
			.then(() -> assertThat(new Fans(this.port).pay(user, id).block().status()).isEqualTo(200))
			.assertNext(event -> assertThat(event.data()).containsEntry("state", "PAYING"))
			.assertNext(event -> {
				assertThat(event.id()).isEqualTo("3");
				assertThat(event.data()).containsEntry("state", "CONFIRMED");
			})
			.thenCancel()
			.verify(Duration.ofSeconds(20));

		// reopened with a new ticket, as an EventSource client does after a drop: nothing before
		// the last id it saw, nothing after it skipped
		eventSource("/api/reservations/" + id + "/stream?ticket=" + ticket(user) + "&lastEventId=1")
			.filter(event -> "state".equals(event.event()))
			.take(2)
			.map(ServerSentEvent::id)
			.as(StepVerifier::create)
			.expectNext("2", "3")
			.expectComplete()
			.verify(Duration.ofSeconds(20));
	}

	@Test
	void aTicketOpensNothingButStreams() {
		Drop drop = Drops.create(this.port, "ticket refused", 1, 2);
		String user = "ticket-misuser";
		String token = Admissions.admit(this.room, drop.concertId(), user);
		String ticket = ticket(user);

		Api.anonymous(this.port)
			.post()
			.uri("/api/schedules/{id}/reservations?ticket={ticket}", drop.scheduleId(), ticket)
			.header("Queue-Token", token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("seatIds", List.of(drop.seatIds().get(0))))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("unauthorized");
		Api.anonymous(this.port)
			.get()
			.uri("/api/me/points?ticket={ticket}", ticket)
			.exchange()
			.expectStatus()
			.isUnauthorized();
		// as a bearer token, a ticket is a foreign token
		client().points(ticket).block(TIMEOUT).expect(401);
		client().queueEvents(ticket, drop.concertId(), StagedoorClient.OBJECT_EVENTS)
			.as(StepVerifier::create)
			.expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(WebClientResponseException.class,
					refused -> assertThat(refused.getStatusCode().value()).isEqualTo(401)))
			.verify(TIMEOUT);
		assertThat(Drops.statuses(this.port, drop.scheduleId()).get(drop.seatIds().get(0))).isEqualTo("AVAILABLE");
	}

	@Test
	void anotherUsersReservationIsNotFoundWithATicket() {
		Drop drop = Drops.create(this.port, "ticket other user", 1, 2);
		String id = Buying.buy(this.port, this.room, drop, "ticket-owner", 1_000, drop.seatIds().subList(0, 1));

		Api.anonymous(this.port)
			.get()
			.uri("/api/reservations/{id}/stream?ticket={ticket}", id, ticket("ticket-stranger"))
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("reservation-not-found");
	}

	@Test
	void expiredTamperedAndForeignTicketsAreRefused() {
		long concert = Concerts.create(this.port, "bad tickets");
		Admissions.enter(this.room, concert, "ticket-fan");
		String secret = TestInfrastructure.QUEUE_TOKEN_SECRET;
		String valid = ticket("ticket-fan");
		String tampered = valid.substring(0, valid.length() - 2) + (valid.endsWith("A") ? "BB" : "AA");
		String expired = sign("stagedoor-stream", "ticket-fan", secret, Instant.now().minusSeconds(1));
		String otherIssuer = sign("stagedoor-queue", "ticket-fan", secret, Instant.now().plusSeconds(600));
		String otherSecret = sign("stagedoor-stream", "ticket-fan", "another-secret-0123456789abcdef-0123456789",
				Instant.now().plusSeconds(600));
		String userToken = TestTokens.user("ticket-fan");

		for (String bad : List.of(tampered, expired, otherIssuer, otherSecret, userToken, "not-a-ticket")) {
			Api.anonymous(this.port)
				.get()
				.uri("/api/concerts/{id}/queue/stream?ticket={ticket}", concert, bad)
				.accept(MediaType.TEXT_EVENT_STREAM)
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.code")
				.isEqualTo("unauthorized");
		}
		// the valid one still works (the refusals above were about the tickets, not the stream)
		eventSource("/api/concerts/" + concert + "/queue/stream?ticket=" + valid)
			.filter(event -> "status".equals(event.event()))
			.take(1)
			.as(StepVerifier::create)
			.assertNext(event -> assertThat(event.data()).containsEntry("status", "WAITING"))
			.verifyComplete();
	}

	private String ticket(String user) {
		return (String) client().streamTicket(TestTokens.user(user)).block(TIMEOUT).expect(201).body().get("ticket");
	}

	/** What a browser's EventSource sends: GET, Accept text/event-stream, no Authorization. */
	private Flux<ServerSentEvent<Map<String, Object>>> eventSource(String pathAndQuery) {
		return WebClient.create("http://localhost:" + this.port)
			.get()
			.uri(pathAndQuery)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(EVENT)
			.timeout(Duration.ofSeconds(20));
	}

	private static String sign(String issuer, String subject, String secret, Instant expiresAt) {
		try {
			JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer)
				.subject(subject)
				.issueTime(Date.from(expiresAt.minusSeconds(600)))
				.expirationTime(Date.from(expiresAt))
				.claim("roles", List.of())
				.build();
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
			return jwt.serialize();
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
