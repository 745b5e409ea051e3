package dev.stagedoor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Where the tests (and {@code ./mvnw spring-boot:test-run}) get Redis, PostgreSQL and Kafka.
 * With a Docker engine: fresh Testcontainers. Without one: Redis and PostgreSQL on localhost
 * and an in-process KRaft broker. Either way each run is isolated: its own database, its own
 * Redis key prefix and its own topic, all removed when the JVM ends.
 * {@code STAGEDOOR_TEST_INFRA=local|containers} forces a choice.
 * {@code STAGEDOOR_TEST_REDIS=cluster} puts every test on a Redis Cluster of 3 masters that the
 * JVM starts itself from Debian's {@code redis-server} ({@link RedisClusterNodes}); test classes
 * annotated {@link OnRedisCluster} use that cluster whatever the variable says.
 */
public final class TestInfrastructure {

	private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);

	public static final String AUTH_SECRET = "stagedoor-test-auth-secret-0123456789abcdef";

	public static final String QUEUE_TOKEN_SECRET = "stagedoor-test-queue-secret-0123456789abcdef";

	static final String LOCAL_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

	static final String LOCAL_REDIS_HOST = "127.0.0.1";

	private static Map<String, Object> properties;

	private static RedisClusterNodes cluster;

	private static Map<String, Object> clusterRun;

	private TestInfrastructure() {
	}

	/** Properties for one isolated run, started on first use and shared by the JVM. */
	public static synchronized Map<String, Object> properties() {
		if (properties == null) {
			String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
			properties = useContainers() ? containers(run) : local(run);
			properties.put("stagedoor.auth.jwt-secret", AUTH_SECRET);
			properties.put("stagedoor.queue.token-secret", QUEUE_TOKEN_SECRET);
			properties.put("stagedoor.kafka.topic", "stagedoor.reservation-events." + run);
			// tests start many contexts and want them at once; StartupWarmupTests runs the warm-up itself
			properties.put("stagedoor.warmup.duration", "0s");
			if ("cluster".equalsIgnoreCase(System.getenv("STAGEDOOR_TEST_REDIS"))) {
				properties.putAll(clusterNodes());
			}
		}
		return properties;
	}

	/**
	 * The Redis properties of the JVM's own Redis Cluster, started on first use: the cluster's
	 * nodes through Spring Boot's standard {@code spring.data.redis.cluster.*} (which win over
	 * {@code spring.data.redis.host} and {@code port}).
	 */
	private static synchronized Map<String, Object> clusterNodes() {
		if (cluster == null) {
			cluster = RedisClusterNodes.start();
		}
		Map<String, Object> map = new HashMap<>();
		map.put("spring.data.redis.cluster.nodes", cluster.nodes());
		map.put("spring.data.redis.cluster.max-redirects", 3);
		return map;
	}

	/**
	 * What the {@link OnRedisCluster} classes run on beside the other tests: the JVM's own Redis
	 * Cluster, and a Kafka topic and (on the local infrastructure) a database of their own. The
	 * application contexts of both kinds stay cached and running side by side, and they must
	 * not act as instances of one deployment, for they do not share a Redis: an event of one
	 * would be handled by the other's cancellation worker, which does not know its
	 * reservation, and each would rebuild the other's schedules at start-up.
	 */
	public static synchronized Map<String, Object> clusterProperties() {
		if (clusterRun == null) {
			clusterRun = new HashMap<>(clusterNodes());
			Map<String, Object> base = properties();
			clusterRun.put("stagedoor.kafka.topic", base.get("stagedoor.kafka.topic") + ".cluster");
			String flyway = (String) base.get("spring.flyway.url");
			if (flyway.startsWith("jdbc:postgresql://127.0.0.1:5432/stagedoor_")) {
				String database = flyway.substring(flyway.lastIndexOf('/') + 1) + "_cluster";
				execute(LOCAL_POSTGRES, "CREATE DATABASE " + database);
				SpringApplication.getShutdownHandlers()
					.add(() -> execute(LOCAL_POSTGRES, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)"));
				database(clusterRun, "jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
			}
		}
		return clusterRun;
	}

	private static boolean useContainers() {
		String forced = System.getenv("STAGEDOOR_TEST_INFRA");
		if (forced != null) {
			return forced.toLowerCase(Locale.ROOT).equals("containers");
		}
		if (!dockerMayBeThere()) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Whether anything points at a Docker engine. Without a socket, {@code DOCKER_HOST} or a
	 * Testcontainers configuration, asking Testcontainers would only log an ERROR about every
	 * strategy it tried, on every machine that simply has no Docker.
	 */
	private static boolean dockerMayBeThere() {
		String home = System.getProperty("user.home");
		String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
		return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
				|| Files.exists(Path.of(home, ".testcontainers.properties"))
				|| Files.exists(Path.of(home, ".docker", "run", "docker.sock"))
				|| (runtimeDir != null && Files.exists(Path.of(runtimeDir, "docker.sock")));
	}

	private static Map<String, Object> containers(String run) {
		log.info("Test infrastructure: Testcontainers (run {})", run);
		PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17-alpine");
		GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
		KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.0");
		List.of(postgres, redis, kafka).parallelStream().forEach(GenericContainer::start);
		Map<String, Object> map = new HashMap<>();
		database(map, postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword());
		map.put("spring.data.redis.host", redis.getHost());
		map.put("spring.data.redis.port", redis.getMappedPort(6379));
		map.put("stagedoor.redis.key-prefix", "");
		map.put("spring.kafka.bootstrap-servers", kafka.getBootstrapServers());
		return map;
	}

	private static Map<String, Object> local(String run) {
		log.info("No Docker engine in use: local PostgreSQL (127.0.0.1:5432, database test) and Redis "
				+ "(127.0.0.1:6379), in-process Kafka (run {})", run);
		String database = "stagedoor_" + run;
		execute(LOCAL_POSTGRES, "CREATE DATABASE " + database);
		String prefix = "test-" + run + ":";
		EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 2);
		// The broker's test kit deletes its log directories in JVM shutdown hooks of its own,
		// which run at the same time as every other hook: the broker, still running, then
		// fails to write its checkpoints and logs ERROR stack traces. Its hooks are collected
		// here and run in order instead: application closed, broker stopped, directories deleted.
		List<Runnable> kafkaExitHooks = new CopyOnWriteArrayList<>();
		Exit.setShutdownHookAdder((name, hook) -> kafkaExitHooks.add(hook));
		try {
			kafka.afterPropertiesSet();
		}
		finally {
			Exit.resetShutdownHookAdder();
		}
		// Spring Boot runs shutdown handlers one after another, after closing the application
		// contexts it started (./mvnw spring-boot:test-run), so no client sees its broker vanish.
		SpringApplication.getShutdownHandlers().add(() -> {
			kafka.destroy();
			kafkaExitHooks.forEach(Runnable::run);
			deleteKeys(prefix);
			execute(LOCAL_POSTGRES, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
		});
		Map<String, Object> map = new HashMap<>();
		database(map, "jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
		map.put("spring.data.redis.host", LOCAL_REDIS_HOST);
		map.put("spring.data.redis.port", 6379);
		map.put("stagedoor.redis.key-prefix", prefix);
		map.put("spring.kafka.bootstrap-servers", kafka.getBrokersAsString());
		return map;
	}

	private static void database(Map<String, Object> map, String jdbcUrl, String user, String password) {
		map.put("spring.flyway.url", jdbcUrl);
		map.put("spring.flyway.user", user);
		map.put("spring.flyway.password", password);
		map.put("spring.r2dbc.url", jdbcUrl.replace("jdbc:", "r2dbc:"));
		map.put("spring.r2dbc.username", user);
		map.put("spring.r2dbc.password", password);
		// the suite keeps twenty-odd application contexts cached, all on one PostgreSQL (100
		// connections): each starts with one connection instead of four and gives back what a
		// burst opened once it has been idle for a while
		map.put("spring.r2dbc.pool.initial-size", 1);
		map.put("spring.r2dbc.pool.max-idle-time", "15s");
	}

	static void execute(String jdbcUrl, String sql) {
		try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("PostgreSQL at " + jdbcUrl + " failed: " + sql, ex);
		}
	}

	private static void deleteKeys(String prefix) {
		RedisClient client = RedisClient.create("redis://" + LOCAL_REDIS_HOST + ":6379");
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			ScanCursor cursor = ScanCursor.INITIAL;
			do {
				KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
				if (!page.getKeys().isEmpty()) {
					connection.sync().unlink(page.getKeys().toArray(String[]::new));
				}
				cursor = page;
			}
			while (!cursor.isFinished());
		}
		finally {
			client.shutdown();
		}
	}

	/** Puts the run's properties in front of every other property source. */
	public static class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		/** Above application.yaml, below a test's own dynamic or inlined properties. */
		@Override
		public void initialize(ConfigurableApplicationContext context) {
			MutablePropertySources sources = context.getEnvironment().getPropertySources();
			if (sources.contains("test-infrastructure")) {
				return;
			}
			MapPropertySource infrastructure = new MapPropertySource("test-infrastructure", properties());
			String above = sources.contains("Dynamic Test Properties") ? "Dynamic Test Properties"
					: sources.contains("Inlined Test Properties") ? "Inlined Test Properties" : null;
			if (above != null) {
				sources.addAfter(above, infrastructure);
			}
			else {
				sources.addFirst(infrastructure);
			}
		}

	}

	/**
	 * The run's properties, then the JVM's own Redis Cluster in front of them
	 * ({@link OnRedisCluster}).
	 */
	public static class ClusterInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			new Initializer().initialize(context); // a no-op when it ran already
			MutablePropertySources sources = context.getEnvironment().getPropertySources();
			if (!sources.contains("test-redis-cluster")) {
				sources.addBefore("test-infrastructure", new MapPropertySource("test-redis-cluster", clusterProperties()));
			}
		}

	}

}
