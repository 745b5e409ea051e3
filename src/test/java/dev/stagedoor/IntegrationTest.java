package dev.stagedoor;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The application on a random port against the run's isolated infrastructure. Background
 * admission is switched off (a one-hour period) so tests drive admission steps themselves
 * and see exact positions, a whole second's admissions in one step (an admission burst of 1 s;
 * {@code QueueScriptsTests} covers the pace within the second); {@code
 * AdmissionTickerIntegrationTests} covers the ticker. Waiting
 * places lapse after 2 s unseen, so abandonment is testable; outbox entries pending for 1 s
 * with a dead relay are claimed, so takeover is testable. Early status polls are answered
 * from Redis like any other (no early-poll answers), since tests poll right after the steps
 * they drive; {@code PollPacingIntegrationTests} covers early polls. The fair-play limits run
 * on every request but are set out of reach ({@link #UNREACHED_LIMITS}): the suite fires
 * thousands of requests from one address and hundreds from one user in seconds, which is no
 * drop's traffic; {@code FairPlayIntegrationTests} runs two instances with tight limits.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "stagedoor.queue.admission-interval=1h", "stagedoor.queue.admission-burst=1s",
				"stagedoor.queue.poll-interval=100ms",
				"stagedoor.queue.heartbeat=200ms", "stagedoor.queue.idle-timeout=2s",
				// stream pacing is unit-tested (QueueStreamPacingTests); here streams must keep
				// up with steps that run faster than the 2 s idle timeout
				"stagedoor.queue.stream-max-interval=300ms",
				"stagedoor.queue.early-poll-fraction=0", "stagedoor.kafka.claim-idle=1s",
				"stagedoor.rate-limit.queue.per-user.capacity=1000000",
				"stagedoor.rate-limit.queue.per-address.capacity=1000000",
				"stagedoor.rate-limit.seats.per-user.capacity=1000000",
				"stagedoor.rate-limit.seats.per-address.capacity=1000000",
				"stagedoor.rate-limit.holds.per-user.capacity=1000000",
				"stagedoor.rate-limit.holds.per-address.capacity=1000000",
				"stagedoor.rate-limit.payments.per-user.capacity=1000000",
				"stagedoor.rate-limit.payments.per-address.capacity=1000000",
				"stagedoor.rate-limit.charges.per-user.capacity=1000000",
				"stagedoor.rate-limit.charges.per-address.capacity=1000000",
				"stagedoor.queue.max-entries-per-address-per-minute=1000000",
				"stagedoor.hold.max-lapsed-per-schedule=1000000",
				// the admitted lane's adaptive limit may not shrink below its start (100): on a
				// slow or busy test machine the races' latency would otherwise shrink it and shed
				// the very holds whose outcome a test counts (LoadSheddingIntegrationTests tests shedding)
				"stagedoor.web.limiter.admitted.min-limit=100", "stagedoor.web.limiter.admitted.max-wait=8s" })
@ContextConfiguration(initializers = TestInfrastructure.Initializer.class)
public @interface IntegrationTest {

	/** What the properties above set the fair-play limits to: never reached by the suite. */
	int UNREACHED_LIMITS = 1_000_000;

}
