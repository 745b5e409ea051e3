import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A single KRaft broker in its own process for benchmarks on machines without Kafka, run as
 * a source file by {@code bench/start-kafka.sh} (kept out of src/test so the test classes
 * have a single main class for spring-boot:test-run); writes its bootstrap address to the
 * file given as argument and runs until killed.
 */
public final class BenchKafka {

	public static void main(String[] args) throws Exception {
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 6);
		broker.afterPropertiesSet();
		Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
		Files.writeString(Path.of(args[0]), broker.getBrokersAsString());
		System.out.println("Kafka at " + broker.getBrokersAsString());
		new CountDownLatch(1).await();
	}

}
