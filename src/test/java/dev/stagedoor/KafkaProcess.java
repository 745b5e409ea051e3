package dev.stagedoor;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real single-node KRaft broker in its own JVM (kafka.Kafka from the test classpath) on a
 * fixed port and log directory, so a test can stop it and start it again with its data, as
 * an operator restarting Kafka would.
 */
public final class KafkaProcess implements AutoCloseable {

	private final int port = freePort();

	private final int controllerPort = freePort();

	private final Path dir;

	private final Path config;

	private Process process;

	public KafkaProcess() throws IOException {
		this.dir = Files.createTempDirectory("stagedoor-kafka-");
		this.config = this.dir.resolve("server.properties");
		Files.writeString(this.config, String.join("\n", "process.roles=broker,controller", "node.id=1",
				"controller.quorum.voters=1@127.0.0.1:" + this.controllerPort,
				"listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:" + this.controllerPort,
				"advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port, "controller.listener.names=CONTROLLER",
				"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
				"inter.broker.listener.name=PLAINTEXT", "log.dirs=" + this.dir.resolve("logs"),
				"offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
				"transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0", "num.partitions=2", ""));
		run(List.of("kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString().replace("-", "").substring(0, 22),
				"-c", this.config.toString()), true);
	}

	public String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	public synchronized void start() throws IOException {
		this.process = run(List.of("kafka.Kafka", this.config.toString()), false);
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(this::accepting);
	}

	/** A clean shutdown, as {@code kafka-server-stop} does. */
	public synchronized void stop() throws InterruptedException {
		if (this.process != null) {
			this.process.destroy();
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
			this.process = null;
		}
	}

	private boolean accepting() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private Process run(List<String> mainAndArgs, boolean wait) throws IOException {
		List<String> command = new java.util.ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
				"-cp", System.getProperty("java.class.path")));
		command.addAll(mainAndArgs);
		File log = this.dir.resolve("kafka.log").toFile();
		Process started = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log))
			.start();
		if (wait) {
			try {
				if (!started.waitFor(120, TimeUnit.SECONDS) || started.exitValue() != 0) {
					throw new IOException("Kafka storage format failed, see " + log);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
		}
		return started;
	}

	@Override
	public void close() throws Exception {
		stop();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
