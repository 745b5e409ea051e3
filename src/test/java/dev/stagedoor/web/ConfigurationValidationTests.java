package dev.stagedoor.web;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import dev.stagedoor.queue.QueueProperties;
import dev.stagedoor.reservation.WaitingListProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad {@code stagedoor.*} value stops start-up with a message that names the property. */
class ConfigurationValidationTests {

	static final String SECRET = "stagedoor.queue.token-secret=0123456789abcdef0123456789abcdef";

	final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Properties.class)
		.withPropertyValues("stagedoor.web.stream-ticket-secret=0123456789abcdef0123456789abcdef");

	@Test
	void validSettingsStart() {
		this.runner.withPropertyValues(SECRET, "stagedoor.queue.max-active=5", "stagedoor.queue.active-ttl=30s")
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(QueueProperties.class).maxActive()).isEqualTo(5);
			});
	}

	@Test
	void zeroMaxActiveFailsNamingTheProperty() {
		assertFailsNaming("stagedoor.queue.max-active", SECRET, "stagedoor.queue.max-active=0");
	}

	@Test
	void aPollBudgetBelowOneOrAnEarlyPollFractionOutsideZeroToOneFailsNamingTheProperty() {
		assertFailsNaming("stagedoor.queue.poll-budget-per-second", SECRET, "stagedoor.queue.poll-budget-per-second=0");
		assertFailsNaming("stagedoor.queue.early-poll-fraction", SECRET, "stagedoor.queue.early-poll-fraction=1.5");
		assertFailsNaming("stagedoor.queue.early-poll-fraction", SECRET, "stagedoor.queue.early-poll-fraction=-0.1");
	}

	@Test
	void anOfferTtlOutsideOneMillisecondToADayOrAStreamIntervalOutsideTenMillisecondsToAMinuteFailsNamingTheProperty() {
		assertFailsNaming("stagedoor.waiting-list.offer-ttl", SECRET, "stagedoor.waiting-list.offer-ttl=0s");
		assertFailsNaming("stagedoor.waiting-list.offer-ttl", SECRET, "stagedoor.waiting-list.offer-ttl=2d");
		assertFailsNaming("stagedoor.waiting-list.stream-interval", SECRET, "stagedoor.waiting-list.stream-interval=1ms");
		this.runner.withPropertyValues(SECRET)
			.run(context -> assertThat(context.getBean(WaitingListProperties.class).offerTtl())
				.isEqualTo(java.time.Duration.ofMinutes(10)));
	}

	@Test
	void aRequestTimeoutOutsideOneMillisecondToTenMinutesFailsNamingTheProperty() {
		assertFailsNaming("stagedoor.web.request-timeout", SECRET, "stagedoor.web.request-timeout=0s");
		assertFailsNaming("stagedoor.web.request-timeout", SECRET, "stagedoor.web.request-timeout=11m");
	}

	@Test
	void missingOrShortTokenSecretFailsNamingTheProperty() {
		assertFailsNaming("stagedoor.queue.token-secret");
		assertFailsNaming("stagedoor.queue.token-secret", "stagedoor.queue.token-secret=short");
	}

	@Test
	void unparsableDurationFailsNamingTheProperty() {
		assertFailsNaming("stagedoor.queue.active-ttl", SECRET, "stagedoor.queue.active-ttl=soon");
	}

	@Test
	void shortJwtSecretFailsNamingTheProperty() {
		assertFailsNaming("stagedoor.auth.jwt-secret-long-enough", SECRET, "stagedoor.auth.jwt-secret=too-short");
	}

	@Test
	void negativeTokenCacheSizeFailsNamingThePropertyAndZeroIsAllowed() {
		assertFailsNaming("stagedoor.auth.token-cache-size", SECRET, "stagedoor.auth.token-cache-size=-1");
		this.runner.withPropertyValues(SECRET, "stagedoor.auth.token-cache-size=0")
			.run(context -> assertThat(context.getBean(AuthProperties.class).tokenCacheSize()).isZero());
		this.runner.withPropertyValues(SECRET)
			.run(context -> assertThat(context.getBean(AuthProperties.class).tokenCacheSize()).isEqualTo(100_000));
	}

	@Test
	void aWildcardOriginFailsNamingThePropertyAndListedOriginsStart() {
		assertFailsNaming("stagedoor.web.allowed-origins", SECRET, "stagedoor.web.allowed-origins=*");
		assertFailsNaming("stagedoor.web.allowed-origins", SECRET,
				"stagedoor.web.allowed-origins=https://shop.example.com,https://*.example.com");
		assertFailsNaming("stagedoor.web.allowed-origins", SECRET,
				"stagedoor.web.allowed-origins=https://shop.example.com/tickets");
		assertFailsNaming("stagedoor.web.allowed-origins", SECRET, "stagedoor.web.allowed-origins=shop.example.com");
		this.runner.withPropertyValues(SECRET, "stagedoor.web.allowed-origins=https://shop.example.com,http://localhost:3000")
			.run(context -> assertThat(context.getBean(WebProperties.class).allowedOrigins())
				.containsExactly("https://shop.example.com", "http://localhost:3000"));
		this.runner.withPropertyValues(SECRET)
			.run(context -> assertThat(context.getBean(WebProperties.class).allowedOrigins()).isEmpty());
	}

	@Test
	void streamTicketTtlAboveAnHourOrAShortSecretFailsNamingTheProperty() {
		assertFailsNaming("stagedoor.web.stream-ticket-ttl", SECRET, "stagedoor.web.stream-ticket-ttl=2h");
		assertFailsNaming("stagedoor.web.stream-ticket-ttl", SECRET, "stagedoor.web.stream-ticket-ttl=0s");
		assertFailsNaming("stagedoor.web.stream-ticket-secret", SECRET, "stagedoor.web.stream-ticket-secret=short");
		this.runner.withPropertyValues(SECRET, "stagedoor.web.stream-ticket-ttl=1h")
			.run(context -> assertThat(context).hasNotFailed());
	}

	@Test
	void negativeClockSkewFailsNamingThePropertyAndTheDefaultIsOneMinute() {
		assertFailsNaming("stagedoor.auth.clock-skew", SECRET, "stagedoor.auth.clock-skew=-1s");
		this.runner.withPropertyValues(SECRET, "stagedoor.auth.clock-skew=0s")
			.run(context -> assertThat(context.getBean(AuthProperties.class).clockSkew()).isZero());
		this.runner.withPropertyValues(SECRET)
			.run(context -> assertThat(context.getBean(AuthProperties.class).clockSkew())
				.isEqualTo(java.time.Duration.ofSeconds(60)));
	}

	@Test
	void limiterLanesWithBoundsOutOfOrderOrANegativeQueueFailNamingTheLaneAndPartialLanesTakeTheDefaults() {
		assertFailsNaming("stagedoor.web.limiter.admitted", SECRET, "stagedoor.web.limiter.admitted.min-limit=600");
		assertFailsNaming("stagedoor.web.limiter.waiting-room", SECRET,
				"stagedoor.web.limiter.waiting-room.max-limit=5");
		assertFailsNaming("stagedoor.web.limiter.waiting-room", SECRET,
				"stagedoor.web.limiter.waiting-room.queue-size=-1");
		assertFailsNaming("stagedoor.web.limiter.admitted", SECRET, "stagedoor.web.limiter.admitted.retry-after=0s");
		this.runner.withPropertyValues(SECRET, "stagedoor.web.limiter.waiting-room.max-wait=0s").run(context -> {
			LimiterProperties limiter = context.getBean(LimiterProperties.class);
			assertThat(limiter.enabled()).isTrue();
			assertThat(limiter.waitingRoom().maxWait()).isZero();
			assertThat(limiter.waitingRoom().maxLimit()).isEqualTo(LimiterProperties.WAITING_ROOM.maxLimit());
			assertThat(limiter.admitted()).isEqualTo(LimiterProperties.ADMITTED);
		});
		this.runner.withPropertyValues(SECRET, "stagedoor.web.limiter.enabled=false")
			.run(context -> assertThat(context.getBean(LimiterProperties.class).enabled()).isFalse());
	}

	private void assertFailsNaming(String property, String... values) {
		this.runner.withPropertyValues(values).run(context -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).satisfiesAnyOf(
					text -> assertThat(text).contains(property),
					text -> assertThat(text).contains(property.substring(0, property.lastIndexOf('.')))
						.contains("'" + camelCase(property.substring(property.lastIndexOf('.') + 1)) + "'"));
		});
	}

	/** Every message in the cause chain: what the start-up failure report is made from. */
	private static String messages(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			text.append(t.getMessage()).append('\n');
		}
		return text.toString();
	}

	private static String camelCase(String kebab) {
		StringBuilder out = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				out.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return out.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ QueueProperties.class, AuthProperties.class, WebProperties.class,
			LimiterProperties.class, WaitingListProperties.class })
	static class Properties {

	}

}
