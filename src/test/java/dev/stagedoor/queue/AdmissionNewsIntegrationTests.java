package dev.stagedoor.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;
import reactor.core.Disposables;

import dev.stagedoor.Concerts;
import dev.stagedoor.IntegrationTest;
import dev.stagedoor.OtherInstance;
import dev.stagedoor.TestInfrastructure;
import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;
import dev.stagedoor.queue.AdmissionTokens.TokenVerdict;
import dev.stagedoor.support.RedisKeyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Admissions reach the followers of every instance when they are made, not at a tick. The
 * test's application (A) and a second instance (B) started here share the run's stores; B's
 * stream tick and admission ticker run once an hour, so nothing but an admission step's own
 * news can tell B's followers anything after their first event.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdmissionNewsIntegrationTests {

	@LocalServerPort
	int portA;

	@Autowired
	WaitingRoom roomA;

	@Autowired
	AdmissionNews newsA;

	@Autowired
	AdmissionTokens tokens;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	RedisKeyspace keyspace;

	/** The second instance: streams and admission steps once an hour. */
	OtherInstance b;

	/** The stores B shares with A: the run's (and, on a cluster, the cluster's). */
	Map<String, Object> storeProperties() {
		return TestInfrastructure.properties();
	}

	@BeforeAll
	void startInstanceB() {
		Map<String, Object> properties = new HashMap<>(storeProperties());
		properties.put("stagedoor.queue.poll-interval", "1h");
		properties.put("stagedoor.queue.admission-interval", "1h");
		properties.put("stagedoor.queue.stream-max-interval", "1h");
		properties.put("stagedoor.warmup.duration", "0s");
		this.b = OtherInstance.start(properties);
	}

	@AfterAll
	void stopInstanceB() {
		if (this.b != null) {
			this.b.close();
		}
	}

	@Test
	void followersHearOfAnAdmissionWhenAnyInstanceMakesIt() {
		long concert = Concerts.create(this.portA, "admission news");
		// three admissions a second, ten-minute admissions
		Concerts.configureQueue(this.portA, concert, 100, 3, 600);
		List<String> fans = List.of("news-1", "news-2", "news-3", "news-4", "news-5");
		fans.forEach(fan -> this.roomA.enter(concert, fan).block());
		Map<String, List<QueueView>> heard = new LinkedHashMap<>();
		Disposable.Composite streams = Disposables.composite();
		for (String fan : fans) {
			List<QueueView> views = new CopyOnWriteArrayList<>();
			heard.put(fan, views);
			streams.add(StagedoorClient.on(this.b.port())
				.queueEvents(TestTokens.user(fan), concert, QueueStreamIntegrationTests.EVENT)
				.filter(event -> "status".equals(event.event()))
				.map(ServerSentEvent::data)
				.subscribe(views::add));
		}
		AdmissionNews newsB = this.b.bean(AdmissionNews.class);
		try {
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(heard.values()).allSatisfy(views -> assertThat(views).hasSize(1)));
			await().atMost(Duration.ofSeconds(10)).until(newsB::listening);
			OpenQueues only = new OpenQueues(null, null);
			only.add(concert);

			// a message that is not news on the channel is logged and ignored: B keeps listening
			this.redis.convertAndSend(this.keyspace.keyPrefix() + "stagedoor:admissions", "not news").block();

			// A's step admits the first three; B hears it from A. (A's idle timeout is 2 s and
			// B's followers are seen only at B's hourly tick: they are seen here first.)
			this.roomA.statusOf(concert, fans).block();
			AdmissionScheduler.admitAll(only, this.roomA, this.newsA).block();
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertAdmitted(concert, heard, fans.subList(0, 3)));
			assertThat(heard.get("news-4")).singleElement().extracting(QueueView::status).isEqualTo(QueueView.Status.WAITING);
			assertThat(heard.get("news-5")).singleElement().extracting(QueueView::status).isEqualTo(QueueView.Status.WAITING);

			// B's own steps admit the other two (once the room's one-second window allows)
			WaitingRoom roomB = this.b.bean(WaitingRoom.class);
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				AdmissionScheduler.admitAll(only, roomB, newsB).block();
				assertAdmitted(concert, heard, fans);
			});
		}
		finally {
			streams.dispose();
		}
	}

	/** Each of {@code fans} heard WAITING, then ADMITTED with a Queue-Token valid for it and this concert. */
	private void assertAdmitted(long concert, Map<String, List<QueueView>> heard, List<String> fans) {
		for (String fan : fans) {
			List<QueueView> views = heard.get(fan);
			assertThat(views).as(fan).hasSize(2);
			assertThat(views.get(0).status()).isEqualTo(QueueView.Status.WAITING);
			QueueView admitted = views.get(1);
			assertThat(admitted.status()).isEqualTo(QueueView.Status.ADMITTED);
			assertThat(this.tokens.verify(admitted.token(), fan, concert)).isInstanceOf(TokenVerdict.Valid.class);
		}
	}

}
