package dev.stagedoor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster of its own for one test JVM, from Debian's {@code redis-server} and
 * {@code redis-cli}: 3 masters (slots split evenly, no replicas) on free ports, data and logs
 * in a temporary directory, all stopped and deleted when the JVM ends. Ports are chosen at
 * random between 20000 and 55000 (each node's bus port, +10000, must be free too), so several
 * test JVMs on one machine never share a cluster.
 */
final class RedisClusterNodes {

	private static final Logger log = LoggerFactory.getLogger(RedisClusterNodes.class);

	static final int MASTERS = 3;

	private final List<Integer> ports;

	private final List<Process> processes = new ArrayList<>();

	private final Path dir;

	private RedisClusterNodes(List<Integer> ports, Path dir) {
		this.ports = ports;
		this.dir = dir;
	}

	/** Starts the nodes, joins them into one cluster and waits until every node reports it ok. */
	static RedisClusterNodes start() {
		Path dir;
		try {
			dir = Files.createTempDirectory("stagedoor-redis-cluster-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		RedisClusterNodes cluster = new RedisClusterNodes(freePorts(MASTERS), dir);
		Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "redis-cluster-stop"));
		cluster.startNodes();
		return cluster;
	}

	/** {@code host:port,...} for {@code spring.data.redis.cluster.nodes}. */
	String nodes() {
		return this.ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
	}

	List<Integer> ports() {
		return this.ports;
	}

	private void startNodes() {
		for (int port : this.ports) {
			Path nodeDir = this.dir.resolve(String.valueOf(port));
			try {
				Files.createDirectories(nodeDir);
				this.processes.add(new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
						"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
						"--dir", nodeDir.toString(), "--save", "", "--appendonly", "no", "--logfile",
						nodeDir.resolve("redis.log").toString())
					.redirectErrorStream(true)
					.redirectOutput(nodeDir.resolve("stdout.log").toFile())
					.start());
			}
			catch (IOException ex) {
				stop();
				throw new IllegalStateException("Cannot start redis-server (apt-get install redis-server) on port "
						+ port, ex);
			}
		}
		for (int port : this.ports) {
			awaitReply(Duration.ofSeconds(20), "PONG", "-p", String.valueOf(port), "ping");
		}
		List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
		this.ports.forEach(port -> create.add("127.0.0.1:" + port));
		create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		String output = run(Duration.ofSeconds(30), create);
		for (int port : this.ports) {
			awaitReply(Duration.ofSeconds(30), "cluster_state:ok", "-p", String.valueOf(port), "cluster", "info");
		}
		log.info("Redis Cluster of {} masters on {} ({})", MASTERS, nodes(), this.dir);
		log.debug("redis-cli --cluster create: {}", output);
	}

	private void awaitReply(Duration within, String expected, String... args) {
		List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1"));
		command.addAll(List.of(args));
		Awaitility.await(String.join(" ", command) + " answers " + expected)
			.atMost(within)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> run(Duration.ofSeconds(5), command).contains(expected));
	}

	private static String run(Duration within, List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " took longer than " + within);
			}
			return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + command.get(0) + " (apt-get install redis-server)", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Stops every node and deletes their directory. */
	void stop() {
		this.processes.forEach(Process::destroy);
		for (Process process : this.processes) {
			try {
				if (!process.waitFor(5, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				process.destroyForcibly();
			}
		}
		this.processes.clear();
		try (Stream<Path> paths = Files.walk(this.dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			log.warn("Could not delete {}: {}", this.dir, ex.toString());
		}
	}

	private static List<Integer> freePorts(int count) {
		List<Integer> ports = new ArrayList<>();
		while (ports.size() < count) {
			int port = ThreadLocalRandom.current().nextInt(20000, 55000);
			if (!ports.contains(port) && free(port) && free(port + 10000)) {
				ports.add(port);
			}
		}
		return ports;
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
