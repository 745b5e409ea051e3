package dev.stagedoor.queue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.queue.WaitingRoom.AdmissionStep;
import dev.stagedoor.support.Background;
import dev.stagedoor.support.RedisKeyspace;

/**
 * Admissions told to the followers of every instance as they are made. The instance whose
 * admission step admitted fans tells its own followers at once, and publishes the step's
 * admitted users on one Redis channel ({@code <key-prefix>stagedoor:admissions}); every other
 * instance tells its followers among them when the message arrives. Redis pub/sub delivers
 * at most once (an instance that was disconnected misses what was sent meanwhile), so the
 * stream tick stays the safety net: a follower whose news was lost hears of its admission at
 * its own instance's next tick, as before.
 */
@Component
class AdmissionNews {

	private static final Logger log = LoggerFactory.getLogger(AdmissionNews.class);

	/** Who sent a message: this instance's own are skipped (it told its followers already). */
	private final String instance = UUID.randomUUID().toString();

	private final QueueStreams streams;

	private final ReactiveStringRedisTemplate redis;

	private final JsonMapper json;

	private final ChannelTopic channel;

	private volatile boolean listening;

	AdmissionNews(QueueStreams streams, ReactiveStringRedisTemplate redis, JsonMapper json, RedisKeyspace keyspace) {
		this.streams = streams;
		this.redis = redis;
		this.json = json;
		this.channel = ChannelTopic.of(keyspace.keyPrefix() + "stagedoor:admissions");
	}

	/**
	 * After an admission step of this instance: tells this instance's followers among the
	 * admitted, then the other instances. A failed publish is logged, not an error: the step
	 * stands and the other instances' ticks will find the admissions.
	 */
	Mono<Void> announce(long concertId, AdmissionStep step) {
		if (step.users().isEmpty()) {
			return Mono.empty();
		}
		tellFollowers(concertId, step.users(), step.until());
		String message = this.json.writeValueAsString(new Admitted(this.instance, concertId, step.until(), step.users()));
		return this.redis.convertAndSend(this.channel.getTopic(), message).onErrorResume(ex -> {
			log.warn("telling other instances of {} admissions to concert {} failed: {}", step.admitted(), concertId,
					ex.toString());
			return Mono.empty();
		}).then();
	}

	/** Whether this instance's subscription to the channel is in place (for tests). */
	boolean listening() {
		return this.listening;
	}

	/**
	 * The messages of other instances, told to this instance's followers, over a listener
	 * container (one Redis pub/sub connection) of each subscription's own: after a failure,
	 * the container is destroyed and a new one subscribes, after 1 s at first and at most
	 * 10 s apart.
	 */
	Flux<Void> listen(ReactiveRedisConnectionFactory connections) {
		return Flux
			.usingWhen(Mono.fromSupplier(() -> new ReactiveRedisMessageListenerContainer(connections)),
					container -> container.receiveLater(this.channel)
						.doOnNext(subscribed -> this.listening = true)
						.flatMapMany(messages -> messages)
						.doOnNext(message -> received(message.getMessage())),
					ReactiveRedisMessageListenerContainer::destroyLater,
					(container, ex) -> container.destroyLater(), ReactiveRedisMessageListenerContainer::destroyLater)
			.doOnError(ex -> log.warn("listening for other instances' admissions failed, listening again: {}",
					ex.toString()))
			.doFinally(signal -> this.listening = false)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(10)))
			.thenMany(Flux.empty());
	}

	/** One message: told to this instance's followers unless this instance sent it; a garbled one is logged. */
	void received(String message) {
		Admitted admitted;
		try {
			admitted = this.json.readValue(message, Admitted.class);
		}
		catch (JacksonException ex) {
			log.warn("ignored an admissions message that is not one: {}", ex.getOriginalMessage());
			return;
		}
		if (!this.instance.equals(admitted.from()) && admitted.users() != null) {
			tellFollowers(admitted.concert(), admitted.users(), admitted.until());
		}
	}

	/** Tells this instance's followers among {@code users}; a failure is logged, never passed on. */
	private void tellFollowers(long concertId, List<String> users, long until) {
		try {
			this.streams.admitted(concertId, users, until);
		}
		catch (RuntimeException ex) {
			log.warn("telling this instance's followers of {} admissions to concert {} failed: {}", users.size(),
					concertId, ex.toString());
		}
	}

	/** The message: which instance admitted whom to which concert, until when (epoch ms). */
	record Admitted(String from, long concert, long until, List<String> users) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Listening {

		@Bean
		Background admissionNewsListener(AdmissionNews news, ReactiveRedisConnectionFactory connections) {
			return new Background("admission news", () -> news.listen(connections));
		}

	}

}
