package dev.stagedoor.reservation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.stagedoor.Buying;
import dev.stagedoor.Drops;
import dev.stagedoor.Drops.Drop;
import dev.stagedoor.Fans;
import dev.stagedoor.Fans.Reply;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.ApiReply;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.inventory.Stock;
import dev.stagedoor.queue.Admissions;
import dev.stagedoor.queue.WaitingRoom;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The waiting list through the API, on the real service: joining a sold-out schedule (200 fans
 * at once: positions 1..200, once each), seats coming back one by one offered in join order
 * while a flood of other fans tries to hold them, a cancelled purchase offered at once, units,
 * and the stream's {@code offer} event.
 */
@IntegrationTest
class WaitingListIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WaitingRoom room;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	RedisKeyspace keyspace;

	@Autowired
	DatabaseClient db;

	StagedoorClient client() {
		return StagedoorClient.on(this.port);
	}

	Mono<Reply> join(long schedule, String user, Map<String, Object> body) {
		return client().joinWaitingList(TestTokens.user(user), schedule, body).map(Reply::of);
	}

	Reply place(long schedule, String user) {
		return client().waitingListPlace(TestTokens.user(user), schedule).map(Reply::of).block();
	}

	int leave(long schedule, String user) {
		return client().leaveWaitingList(TestTokens.user(user), schedule).map(ApiReply::status).block();
	}

	String offerOf(long schedule, String user) {
		Reply place = place(schedule, user);
		return place.status() == 200 ? (String) place.body().get("offer") : null;
	}

	static String user(String name) {
		return name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** Holds every seat of the drop, one seat per holder; returns holder → reservation id, in seat order. */
	List<String[]> sellOutOneByOne(Drop drop) {
		List<String> holders = IntStream.range(0, drop.seatIds().size()).mapToObj(i -> user("holder")).toList();
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), holders);
		HoldingClient holding = new HoldingClient(this.port);
		List<String[]> held = new ArrayList<>();
		for (int i = 0; i < holders.size(); i++) {
			String id = (String) holding
				.hold(drop.scheduleId(), holders.get(i), tokens.get(holders.get(i)), List.of(drop.seatIds().get(i)))
				.get("id");
			held.add(new String[] { holders.get(i), id });
		}
		return held;
	}

	@Test
	void twoHundredFansJoiningASoldOutScheduleAtOnceGetPositionsOneToTwoHundred() {
		Drop drop = Drops.create(this.port, "waiting list join", 1, 3);
		String early = user("early");
		Reply notSoldOut = join(drop.scheduleId(), early, Map.of("seats", 2)).block();
		assertThat(notSoldOut.status()).isEqualTo(409);
		assertThat(notSoldOut.body()).containsEntry("code", "not-sold-out").containsEntry("available", 2);
		assertThat(place(drop.scheduleId(), early).body()).containsEntry("code", "not-in-waiting-list");
		sellOutOneByOne(drop);

		List<String> fans = IntStream.range(0, 200).mapToObj(i -> user("fan")).toList();
		Map<String, Reply> byFan = Flux.fromIterable(fans)
			.flatMap(fan -> join(drop.scheduleId(), fan, Map.of("seats", 1)).map(reply -> Map.entry(fan, reply)), 200)
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.block();
		List<Reply> joined = new ArrayList<>(byFan.values());
		assertThat(joined).hasSize(200).allSatisfy(reply -> assertThat(reply.status()).as(reply.raw()).isEqualTo(201));
		assertThat(joined.stream().map(reply -> ((Number) reply.body().get("position")).longValue()).sorted().toList())
			.isEqualTo(LongStream.rangeClosed(1, 200).boxed().toList());

		Reply again = join(drop.scheduleId(), fans.get(7), Map.of("seats", 1)).block();
		assertThat(again.status()).isEqualTo(200);
		Reply before = byFan.get(fans.get(7));
		assertThat(again.body()).containsEntry("position", before.body().get("position"))
			.containsEntry("joinedAt", before.body().get("joinedAt"));
		Reply place = place(drop.scheduleId(), fans.get(7));
		assertThat(place.body()).containsEntry("position", before.body().get("position"))
			.containsEntry("waiting", 200)
			.containsEntry("seats", 1);

		// leaving moves everyone behind up by one
		String first = fans.stream()
			.filter(fan -> ((Number) byFan.get(fan).body().get("position")).intValue() == 1)
			.findFirst()
			.orElseThrow();
		assertThat(leave(drop.scheduleId(), first)).isEqualTo(204);
		// a fan who stays (fan 7 may be the one who left: 1 time in 200)
		String stays = first.equals(fans.get(7)) ? fans.get(8) : fans.get(7);
		assertThat(place(drop.scheduleId(), stays).body().get("position"))
			.isEqualTo(((Number) byFan.get(stays).body().get("position")).intValue() - 1);

		assertThat(join(drop.scheduleId(), user("bad"), Map.of()).block().status()).isEqualTo(400);
		assertThat(join(drop.scheduleId(), user("bad"), Map.of("seats", 1, "inventoryId", 1, "quantity", 1)).block()
			.status()).isEqualTo(400);
		assertThat(join(drop.scheduleId(), user("bad"), Map.of("seats", 0)).block().status()).isEqualTo(400);
		assertThat(join(drop.scheduleId(), user("bad"), Map.of("seats", 5)).block().body())
			.containsEntry("code", "seat-limit-exceeded");
		assertThat(join(987_654_321L, user("bad"), Map.of("seats", 1)).block().body())
			.containsEntry("code", "schedule-not-found");
	}

	@Test
	void tenSeatsComingBackOneByOneGoToTheFirstTenInOrderAndNeverToTheFlood() throws Exception {
		Drop drop = Drops.create(this.port, "waiting list offers", 1, 10);
		List<String[]> holds = sellOutOneByOne(drop);
		List<String> waiting = IntStream.range(0, 12).mapToObj(i -> user("waiting")).toList();
		for (String fan : waiting) {
			assertThat(join(drop.scheduleId(), fan, Map.of("seats", 1)).block().status()).isEqualTo(201);
		}
		List<String> flood = IntStream.range(0, 20).mapToObj(i -> user("flood")).toList();
		Map<String, String> tokens = Admissions.admit(this.room, drop.concertId(), flood);
		Fans fans = new Fans(this.port);
		AtomicBoolean releasing = new AtomicBoolean(true);
		ConcurrentLinkedQueue<Reply> floodReplies = new ConcurrentLinkedQueue<>();
		var floodDone = Flux.fromIterable(flood)
			.flatMap(fan -> Flux.defer(() -> fans.hold(fan, tokens.get(fan), drop.scheduleId(),
					List.of(drop.seatIds().get(ThreadLocalRandom.current().nextInt(drop.seatIds().size())))))
				.repeat(releasing::get), 20)
			.doOnNext(floodReplies::add)
			.subscribeOn(Schedulers.boundedElastic())
			.then()
			.toFuture();

		for (String[] hold : holds) {
			Reply released = fans.cancel(hold[0], hold[1]).block();
			assertThat(released.status()).as(released.raw()).isEqualTo(200);
		}
		releasing.set(false);
		floodDone.get();

		assertThat(floodReplies).isNotEmpty();
		assertThat(floodReplies).allSatisfy(reply -> assertThat(reply.status()).as(reply.raw()).isEqualTo(409));
		for (int i = 0; i < 10; i++) {
			String offer = offerOf(drop.scheduleId(), waiting.get(i));
			assertThat(offer).as("fan %d has an offer", i + 1).isNotNull();
			Reply reservation = fans.reservation(waiting.get(i), offer).block();
			assertThat(reservation.body()).containsEntry("state", "HELD").containsEntry("offer", true);
			assertThat(reservation.body().get("seatIds")).as("the %d. seat released", i + 1)
				.isEqualTo(List.of(drop.seatIds().get(i).intValue()));
		}
		assertThat(place(drop.scheduleId(), waiting.get(10)).body()).containsEntry("position", 1);

		// the first fan gives the offer back: it goes to the 11th
		String firstOffer = offerOf(drop.scheduleId(), waiting.get(0));
		assertThat(fans.cancel(waiting.get(0), firstOffer).block().status()).isEqualTo(200);
		String eleventh = offerOf(drop.scheduleId(), waiting.get(10));
		assertThat(fans.reservation(waiting.get(10), eleventh).block().body().get("seatIds"))
			.isEqualTo(List.of(drop.seatIds().get(0).intValue()));
		// an offered fan pays like any holder
		fans.charge(waiting.get(1), UUID.randomUUID().toString(), 1000).block();
		assertThat(fans.pay(waiting.get(1), offerOf(drop.scheduleId(), waiting.get(1))).block().state())
			.isEqualTo("CONFIRMED");
	}

	@Test
	void aCancelledPurchaseGoesStraightIntoAnOfferAndTheStreamSaysSo() {
		Drop drop = Drops.create(this.port, "waiting list cancellation", 1, 2);
		String buyer = user("buyer");
		String bought = Buying.buy(this.port, this.room, drop, buyer, 1000, drop.seatIds());
		String fan = user("pair");
		assertThat(join(drop.scheduleId(), fan, Map.of("seats", 2)).block().status()).isEqualTo(201);

		List<ServerSentEvent<Map<String, Object>>> events = Collections.synchronizedList(new ArrayList<>());
		var streamed = client().waitingListEvents(TestTokens.user(fan), drop.scheduleId())
			.filter(event -> event.event() != null)
			.doOnNext(events::add)
			.timeout(Duration.ofSeconds(30))
			.then()
			.toFuture();
		await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
		assertThat(events.get(0).event()).isEqualTo("position");
		assertThat(events.get(0).data()).containsEntry("position", 1);

		Fans fans = new Fans(this.port);
		assertThat(fans.cancel(buyer, bought).block().status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(30)).until(() -> offerOf(drop.scheduleId(), fan) != null);
		String offer = offerOf(drop.scheduleId(), fan);
		Reply reservation = fans.reservation(fan, offer).block();
		assertThat(reservation.body()).containsEntry("state", "HELD").containsEntry("offer", true);
		assertThat(reservation.body().get("seatIds"))
			.isEqualTo(drop.seatIds().stream().map(Long::intValue).toList());
		assertThat(fans.reservation(buyer, bought).block().state()).isEqualTo("CANCELLED");
		// the seat map is a snapshot at most 250 ms old
		Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(
				() -> assertThat(Drops.statuses(this.port, drop.scheduleId()).values()).containsOnly("HELD"));

		await().atMost(Duration.ofSeconds(10)).until(streamed::isDone);
		ServerSentEvent<Map<String, Object>> last = events.get(events.size() - 1);
		assertThat(last.event()).isEqualTo("offer");
		assertThat(last.data()).containsEntry("offer", offer);
	}

	@Test
	void unitsOfASoldOutInventoryAreOfferedToTheFanWaitingForThem() {
		Drop drop = Drops.create(this.port, "waiting list units", 1, 1);
		long inventory = Stock.create(this.port, drop.scheduleId(), "Floor", 2, 40, 4);
		String fan = user("standing");
		Reply early = join(drop.scheduleId(), fan, Map.of("inventoryId", inventory, "quantity", 2)).block();
		assertThat(early.body()).containsEntry("code", "not-sold-out").containsEntry("available", 2);
		String owner = user("owner");
		String token = Admissions.admit(this.room, drop.concertId(), owner);
		Fans fans = new Fans(this.port);
		Reply units = fans.hold(owner, token, drop.scheduleId(), List.of(), Map.of(inventory, 2)).block();
		assertThat(units.status()).isEqualTo(201);
		assertThat(join(drop.scheduleId(), fan, Map.of("inventoryId", inventory + 1000, "quantity", 2)).block().body())
			.containsEntry("code", "inventory-not-found");
		assertThat(join(drop.scheduleId(), fan, Map.of("inventoryId", inventory, "quantity", 2)).block().status())
			.isEqualTo(201);
		assertThat(fans.cancel(owner, (String) units.body().get("id")).block().status()).isEqualTo(200);
		String offer = offerOf(drop.scheduleId(), fan);
		assertThat(offer).isNotNull();
		Reply reservation = fans.reservation(fan, offer).block();
		assertThat(reservation.body()).containsEntry("offer", true).containsEntry("amount", 80);
		assertThat(Stock.listed(this.port, drop.scheduleId(), inventory).held()).isEqualTo(2);
	}

	@Test
	void aRebuildAfterRedisLossKeepsTheOrderOfTheLine() {
		Drop drop = Drops.create(this.port, "waiting list rebuild", 1, 2);
		List<String[]> holds = sellOutOneByOne(drop);
		List<String> line = IntStream.range(0, 6).mapToObj(i -> user("line")).toList();
		for (String fan : line) {
			assertThat(join(drop.scheduleId(), fan, Map.of("seats", 1)).block().status()).isEqualTo(201);
		}
		assertThat(leave(drop.scheduleId(), line.get(2))).isEqualTo(204);
		Fans fans = new Fans(this.port);
		assertThat(fans.cancel(holds.get(0)[0], holds.get(0)[1]).block().status()).isEqualTo(200);
		String offer = offerOf(drop.scheduleId(), line.get(0));
		List<String> waiting = List.of(line.get(1), line.get(3), line.get(4), line.get(5));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Boolean.TRUE.equals(this.db.sql("SELECT offer FROM reservation WHERE id = :id")
				.bind("id", offer)
				.map(row -> row.get("offer", Boolean.class))
				.one()
				.block()));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.db.sql("SELECT user_id FROM waiting_list_entry WHERE schedule_id = :s AND left_at IS NULL "
					+ "ORDER BY join_number")
				.bind("s", drop.scheduleId())
				.map(row -> row.get("user_id", String.class))
				.all()
				.collectList()
				.block()
				.equals(waiting));

		long deleted = this.redis
			.scan(ScanOptions.scanOptions().match(this.keyspace.schedule(drop.scheduleId()) + "*").count(1000).build())
			.flatMap(key -> this.redis.delete(key))
			.reduce(0L, Long::sum)
			.block();
		assertThat(deleted).isGreaterThan(5);
		assertThat(place(drop.scheduleId(), line.get(0)).status()).isEqualTo(404);
		client().rebuild(TestTokens.admin("admin"), drop.scheduleId()).block(Duration.ofSeconds(30)).expect(200);

		for (int i = 0; i < waiting.size(); i++) {
			assertThat(place(drop.scheduleId(), waiting.get(i)).body()).as(waiting.get(i))
				.containsEntry("position", i + 1)
				.containsEntry("waiting", 4);
		}
		assertThat(place(drop.scheduleId(), line.get(2)).status()).isEqualTo(404);
		assertThat(join(drop.scheduleId(), user("late"), Map.of("seats", 1)).block().body()).containsEntry("position", 5);
		assertThat(fans.reservation(line.get(0), offer).block().body()).containsEntry("state", "HELD")
			.containsEntry("offer", true);
		// the holds came back too, so the first released seat still goes to the first in line
		// the seat map is a snapshot at most 250 ms old
		Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(
				() -> assertThat(Drops.statuses(this.port, drop.scheduleId()).values()).containsOnly("HELD"));
	}

}
