package dev.stagedoor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Test support: a second service instance in the test's JVM, started with exactly the given
 * properties as command-line arguments (so they win over application.yaml, as the test
 * application's own do) on a port of its own.
 */
public record OtherInstance(ConfigurableApplicationContext context, int port) implements AutoCloseable {

	public static OtherInstance start(Map<String, Object> properties) {
		List<String> args = new ArrayList<>();
		properties.forEach((name, value) -> args.add("--" + name + "=" + value));
		args.add("--server.port=0");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(StagedoorApplication.class)
			.run(args.toArray(String[]::new));
		return new OtherInstance(context, ((WebServerApplicationContext) context).getWebServer().getPort());
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
