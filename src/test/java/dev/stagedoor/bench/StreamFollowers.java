package dev.stagedoor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

import dev.stagedoor.TestTokens;
import dev.stagedoor.client.StagedoorClient;

/**
 * A JVM of followers for {@link QueueStreamsBenchmark}: opens one queue stream
 * ({@code GET /api/concerts/{id}/queue/stream} through {@link StagedoorClient}) per fan, about 1,000 a second,
 * and records when each fan's ADMITTED event arrives. Prints {@code OPENED n failed f} once
 * every stream has brought its first event (or failed), and writes
 * {@code {"opened","failed","shedOpenings","admittedAt":{user:ms}}} to its out file when every fan is admitted
 * or its time is up. Arguments: {@code port concertId userPrefix from count outFile timeoutSeconds}.
 * It exits if its parent goes away.
 */
final class StreamFollowers {

	/** Why streams failed: an HTTP status or an exception's class, and how often. */
	private static final Map<String, Integer> FAILURES = new ConcurrentHashMap<>();

	/** Openings the service shed and this JVM sent again. */
	private static final AtomicInteger SHED = new AtomicInteger();

	/** Openings whose connection failed (refused, reset) and this JVM sent again. */
	private static final AtomicInteger RESET = new AtomicInteger();

	private StreamFollowers() {
	}

	public static void main(String[] args) throws Exception {
		ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(3)));
		int port = Integer.parseInt(args[0]);
		long concert = Long.parseLong(args[1]);
		String prefix = args[2];
		int from = Integer.parseInt(args[3]);
		int count = Integer.parseInt(args[4]);
		Path out = Path.of(args[5]);
		long timeoutSeconds = Long.parseLong(args[6]);

		ConnectionProvider pool = ConnectionProvider.builder("followers")
			.maxConnections(count + 16)
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(Duration.ofMinutes(5))
			.build();
		StagedoorClient client = StagedoorClient.on(port, pool);

		Map<String, Long> admittedAt = new ConcurrentHashMap<>();
		AtomicInteger opened = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		CountDownLatch allOpen = new CountDownLatch(count);
		CountDownLatch allDone = new CountDownLatch(count);
		Flux.range(from, count)
			.delayElements(Duration.ofMillis(1))
			.flatMap(i -> follow(client, concert, prefix + i, admittedAt, opened, failed, allOpen)
				.doFinally(signal -> allDone.countDown()), count)
			.subscribe();

		allOpen.await(timeoutSeconds, TimeUnit.SECONDS);
		System.out.println("OPENED " + opened.get() + " failed " + failed.get() + " shed " + SHED.get() + " reset " + RESET.get() + " " + FAILURES);
		allDone.await(timeoutSeconds, TimeUnit.SECONDS);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("opened", opened.get());
		data.put("failed", failed.get());
		data.put("shedOpenings", SHED.get());
		data.put("resetOpenings", RESET.get());
		data.put("failures", new LinkedHashMap<>(FAILURES));
		data.put("admittedAt", new LinkedHashMap<>(admittedAt));
		Path written = Files.createTempFile(out.getParent(), "followers", ".tmp");
		JsonMapper.builder().build().writeValue(written.toFile(), data);
		Files.move(written, out);
		System.exit(0);
	}

	private static Mono<Void> follow(StagedoorClient client, long concert, String user, Map<String, Long> admittedAt,
			AtomicInteger opened, AtomicInteger failed, CountDownLatch allOpen) {
		AtomicInteger events = new AtomicInteger();
		long giveUpAt = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		return client.queueEvents(TestTokens.user(user), concert, StagedoorClient.OBJECT_EVENTS)
			.filter(event -> event.data() != null)
			.doOnNext(event -> {
				if (events.getAndIncrement() == 0) {
					opened.incrementAndGet();
					allOpen.countDown();
				}
				if ("ADMITTED".equals(event.data().get("status"))) {
					admittedAt.putIfAbsent(user, System.currentTimeMillis());
				}
			})
			.takeUntil(event -> "ADMITTED".equals(event.data().get("status")))
			// shed while opening (503 overloaded): open again after its Retry-After plus up to a
			// fifth, as the web client does; the connection refused or reset (a full accept queue
			// during the burst): again a second later; for up to 5 minutes
			.retryWhen(Retry.from(signals -> signals.concatMap(signal -> {
				Throwable failure = signal.failure();
				boolean again = events.get() == 0 && System.nanoTime() < giveUpAt
						&& (failure instanceof WebClientResponseException.ServiceUnavailable
								|| failure instanceof WebClientRequestException);
				if (!again) {
					return Mono.error(failure);
				}
				(failure instanceof WebClientRequestException ? RESET : SHED).incrementAndGet();
				return Mono.delay(reopenAfter(failure));
			})))
			.then()
			.onErrorResume(ex -> {
				failed.incrementAndGet();
				String reason = ex instanceof WebClientResponseException response ? "HTTP " + response.getStatusCode().value()
						: ex.getClass().getSimpleName();
				FAILURES.merge(reason, 1, Integer::sum);
				if (events.get() == 0) {
					allOpen.countDown();
				}
				return Mono.empty();
			});
	}

	/** A shed opening's Retry-After (5 s when absent) plus up to a fifth; a failed connection: 1 s. */
	static Duration reopenAfter(Throwable failure) {
		if (failure instanceof WebClientResponseException shed) {
			String told = shed.getHeaders().getFirst("Retry-After");
			long millis = (told == null ? 5 : Long.parseLong(told.trim())) * 1_000;
			return TicketDropDriver.plusUpToAFifth(millis);
		}
		return Duration.ofSeconds(1);
	}

}
