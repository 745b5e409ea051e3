package dev.stagedoor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A single KRaft broker in its own process for benchmarks on machines without Kafka
 * ({@code bench/start-kafka.sh}); writes its bootstrap address to the file given as argument
 * and runs until killed.
 */
public final class BenchKafka {

	private BenchKafka() {
	}

	public static void main(String[] args) throws Exception {
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 6);
		broker.afterPropertiesSet();
		Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
		Files.writeString(Path.of(args[0]), broker.getBrokersAsString());
		System.out.println("Kafka at " + broker.getBrokersAsString());
		new CountDownLatch(1).await();
	}

}
