package dev.stagedoor.limits;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import dev.stagedoor.limits.RateLimitProperties.Bucket;
import dev.stagedoor.queue.QueueEntryProperties;
import dev.stagedoor.web.WebProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fair-play settings: the documented defaults, a partial override keeping the rest, and bad
 * values stopping start-up with a message naming the property.
 */
class FairPlayConfigurationTests {

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Properties.class)
		.withPropertyValues("stagedoor.web.stream-ticket-secret=0123456789abcdef0123456789abcdef");

	@Test
	void defaultsAndAPartialOverride() {
		this.runner.withPropertyValues("stagedoor.rate-limit.holds.per-user.capacity=3").run(context -> {
			assertThat(context).hasNotFailed();
			RateLimitProperties limits = context.getBean(RateLimitProperties.class);
			assertThat(limits.of(EndpointClass.QUEUE)).containsExactly(new Bucket(20, 2.0), new Bucket(1000, 200.0));
			assertThat(limits.of(EndpointClass.SEATS)).containsExactly(new Bucket(30, 2.0), new Bucket(2000, 400.0));
			assertThat(limits.of(EndpointClass.HOLDS)).containsExactly(new Bucket(3, 0.5), new Bucket(500, 50.0));
			assertThat(limits.of(EndpointClass.PAYMENTS)).containsExactly(new Bucket(10, 0.5), new Bucket(500, 50.0));
			assertThat(limits.of(EndpointClass.CHARGES)).containsExactly(new Bucket(10, 0.2), new Bucket(200, 20.0));
			assertThat(context.getBean(QueueEntryProperties.class).maxEntriesPerAddressPerMinute()).isEqualTo(100);
			assertThat(context.getBean(WebProperties.class).trustedProxies()).isEmpty();
		});
		this.runner.withPropertyValues("stagedoor.rate-limit.charges.per-address.refill-per-second=0")
			.run(context -> assertThat(context.getBean(RateLimitProperties.class).of(EndpointClass.CHARGES)[1].on())
				.isFalse());
	}

	@Test
	void badValuesFailNamingTheProperty() {
		assertFails("stagedoor.web.trusted-proxies", "stagedoor.web.trusted-proxies=10.0.0.0/33");
		assertFails("stagedoor.web.trusted-proxies", "stagedoor.web.trusted-proxies=proxy.example.com");
		// named as the binder does: the prefix, then the field path
		assertFails("stagedoor.rate-limit", "stagedoor.rate-limit.queue.per-user.capacity=-1");
		assertFails("queue.perUser", "stagedoor.rate-limit.queue.per-user.capacity=-1");
		assertFails("holds.perAddress", "stagedoor.rate-limit.holds.per-address.refill-per-second=0.0001");
		assertFails("stagedoor.queue", "stagedoor.queue.max-entries-per-address-per-minute=-1");
	}

	private void assertFails(String property, String value) {
		this.runner.withPropertyValues(value).run(context -> {
			assertThat(context).hasFailed();
			StringBuilder text = new StringBuilder();
			for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
				text.append(t.getMessage()).append('\n');
			}
			assertThat(text.toString()).contains(property);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ RateLimitProperties.class, QueueEntryProperties.class, WebProperties.class })
	static class Properties {

	}

}
