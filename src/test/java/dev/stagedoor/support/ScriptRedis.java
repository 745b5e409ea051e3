package dev.stagedoor.support;

import java.util.UUID;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A plain connection to the local Redis for the script tests: no Spring context, a key prefix
 * of its own (so runs and parallel test classes never share a key), and every key under it
 * deleted on {@link #close()}. The scripts run through the same template and executor
 * (EVALSHA, EVAL on NOSCRIPT) as in the application.
 */
public final class ScriptRedis implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final int PORT = 6379;

	private final LettuceConnectionFactory factory;

	private final ReactiveStringRedisTemplate template;

	private final RedisKeyspace keyspace;

	private ScriptRedis(String name) {
		this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(HOST, PORT));
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.template = new ReactiveStringRedisTemplate(this.factory);
		this.keyspace = new RedisKeyspace("scripts-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ":");
	}

	public static ScriptRedis open(Class<?> testClass) {
		return new ScriptRedis(testClass.getSimpleName());
	}

	public ReactiveStringRedisTemplate template() {
		return this.template;
	}

	public RedisKeyspace keyspace() {
		return this.keyspace;
	}

	/** Redis's clock in ms: the one the scripts read (TIME). */
	public long now() {
		return this.template.execute(connection -> connection.serverCommands().time()).blockFirst();
	}

	/**
	 * Waits until Redis's clock has passed {@code epochMillis} (polled, at most 5 s): how a test
	 * lets a deadline lapse for the scripts, which read Redis's time, not the JVM's.
	 */
	public void awaitPast(long epochMillis) {
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.pollInterval(java.time.Duration.ofMillis(5))
			.until(() -> now() > epochMillis);
	}

	@Override
	public void close() {
		RedisClient client = RedisClient.create("redis://" + HOST + ":" + PORT);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			ScanCursor cursor = ScanCursor.INITIAL;
			do {
				KeyScanCursor<String> page = connection.sync()
					.scan(cursor, ScanArgs.Builder.matches(this.keyspace.keyPrefix() + "*").limit(1000));
				if (!page.getKeys().isEmpty()) {
					connection.sync().del(page.getKeys().toArray(String[]::new));
				}
				cursor = page;
			}
			while (!cursor.isFinished());
		}
		finally {
			client.shutdown();
			this.factory.destroy();
		}
	}

}
