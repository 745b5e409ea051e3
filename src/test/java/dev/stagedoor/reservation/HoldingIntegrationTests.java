package dev.stagedoor.reservation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Flux;

import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.reservation.Holding.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class HoldingIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	Holding holding;

	@BeforeEach
	void client() {
		this.holding = new Holding(this.port);
	}

	@Test
	void fiveHundredUsersOnOneSeatExactlyOneWins() {
		Drop drop = Drops.create(this.port, "hot seat", 1, 10);
		long seat = drop.seatIds().get(3);
		List<String> users = IntStream.rangeClosed(1, 500).mapToObj(i -> "hot-" + i).toList();
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), users);

		List<Reply> replies = Flux.fromIterable(users)
			.flatMap(user -> this.holding.hold(drop.scheduleId(), user, tokens.get(user), List.of(seat)), 500)
			.collectList()
			.block(Duration.ofSeconds(120));

		assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(1);
		List<Reply> losers = replies.stream().filter(r -> r.status() != 201).toList();
		assertThat(losers).hasSize(499).allSatisfy(r -> {
			assertThat(r.status()).isEqualTo(409);
			assertThat(r.code()).isEqualTo("seat-unavailable");
			assertThat(r.seatIds()).containsExactly(seat);
		});
		await().untilAsserted(() -> assertThat(Drops.statuses(this.port, drop.scheduleId()).get(seat)).isEqualTo("HELD"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void threeHundredUsersHoldingRandomSeatsNeverShareOne() {
		Drop drop = Drops.create(this.port, "spread", 20, 20);
		List<String> users = IntStream.rangeClosed(1, 300).mapToObj(i -> "spread-" + i).toList();
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), users);
		Random random = new Random(20261121L);
		Map<String, List<Long>> wanted = new java.util.HashMap<>();
		for (String user : users) {
			List<Long> seats = new ArrayList<>(drop.seatIds());
			Collections.shuffle(seats, random);
			wanted.put(user, seats.subList(0, 1 + random.nextInt(4)));
		}

		List<Reply> replies = Flux.fromIterable(users)
			.flatMap(user -> this.holding.hold(drop.scheduleId(), user, tokens.get(user), wanted.get(user)), 300)
			.collectList()
			.block(Duration.ofSeconds(120));

		assertThat(replies).allMatch(r -> r.status() == 201 || (r.status() == 409 && "seat-unavailable".equals(r.code())));
		Set<Long> held = new HashSet<>();
		for (Reply reply : replies.stream().filter(r -> r.status() == 201).toList()) {
			for (Number seat : (List<Number>) reply.body().get("seatIds")) {
				assertThat(held.add(seat.longValue())).as("seat %s in two reservations", seat).isTrue();
			}
		}
		assertThat(held).isNotEmpty();
		await().untilAsserted(() -> {
			Map<Long, String> statuses = Drops.statuses(this.port, drop.scheduleId());
			statuses.forEach((seat, status) -> assertThat(status).as("seat %s", seat)
				.isEqualTo(held.contains(seat) ? "HELD" : "AVAILABLE"));
		});
	}

	@Test
	void holdIsAllOrNothing() {
		Drop drop = Drops.create(this.port, "all or nothing", 1, 5);
		long a = drop.seatIds().get(0);
		long b = drop.seatIds().get(1);
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), List.of("first", "second"));
		assertThat(this.holding.hold(drop.scheduleId(), "first", tokens.get("first"), List.of(b)).block().status())
			.isEqualTo(201);

		Reply refused = this.holding.hold(drop.scheduleId(), "second", tokens.get("second"), List.of(a, b)).block();

		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.seatIds()).containsExactly(b);
		await().untilAsserted(() -> assertThat(Drops.statuses(this.port, drop.scheduleId()).get(a)).isEqualTo("AVAILABLE"));
		assertThat(this.holding.hold(drop.scheduleId(), "second", tokens.get("second"), List.of(a)).block().status())
			.isEqualTo(201);
	}

	@Test
	void oneUserFiringTwentyHoldsAtOnceGetsExactlyTheLimit() {
		Drop drop = Drops.create(this.port, "limit", 2, 10);
		String token = Admissions.admit(this.room, drop.concertId(), "greedy");

		List<Reply> replies = Flux.fromIterable(drop.seatIds())
			.flatMap(seat -> this.holding.hold(drop.scheduleId(), "greedy", token, List.of(seat)), 20)
			.collectList()
			.block(Duration.ofSeconds(60));

		assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(4);
		assertThat(replies).filteredOn(r -> r.status() == 422)
			.hasSize(16)
			.allSatisfy(r -> assertThat(r.code()).isEqualTo("seat-limit-exceeded"));
		// more seats in one request than the limit: refused whole
		Drop other = Drops.create(this.port, "limit in one request", 1, 10);
		String otherToken = Admissions.admit(this.room, other.concertId(), "greedy");
		assertThat(this.holding.hold(other.scheduleId(), "greedy", otherToken, other.seatIds().subList(0, 5))
			.block()
			.code()).isEqualTo("seat-limit-exceeded");
	}

}
